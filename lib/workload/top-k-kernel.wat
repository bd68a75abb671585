;; Dot-product kernel for the exact ground truth (lib/workload/top-k-wasm.ts drives it).
;; Source of top-k-kernel.wasm: `make kernel` (scripts/build-top-k-kernel.ts, wabt) compiles it, and
;; test/unit/top-k-kernel-build.test.ts fails when the committed binary differs from a fresh build.
;;
;; WebAssembly SIMD (v128, f32x4), float32 products and float32 accumulation: a FILTER only. The
;; caller keeps every row that could be in the top-k given a bound on this arithmetic's error and
;; rescores those few in float64 (see top-k-candidates.ts), so the summation order here never
;; changes the answer.
;;
;; Memory layout (byte addresses, all 16-byte aligned; D = dims padded to a multiple of 4, the
;; padding lanes are zero so they add exactly 0):
;;   queries  packed by tiles of 4: tile t holds, for each 4-dim step j, the 4 queries' lanes
;;            q[4t+0][4j..4j+3], q[4t+1][4j..], q[4t+2][4j..], q[4t+3][4j..]  (64 bytes per step)
;;            so one pointer and constant offsets reach all four; 4·D·4 bytes per tile.
;;   rows     plain row-major, D floats per row, a multiple of 2 rows.
;;   out      float32 scores, out[(4t+i)·stride + r] = dot(query 4t+i, row r).
;;
;; Register tile: 4 queries × 2 rows = 8 f32x4 accumulators + 2 row vectors + 1 query vector +
;; 1 product, inside the 15 xmm registers V8 allocates on x64. Each row vector loaded is used by
;; 4 queries and each query vector by 2 rows. Chosen by measurement (4×2 beat 4×1, 2×2, 3×2, 3×3,
;; 4×3, 5×2, 6×1, 8×1 on this project's 2-core AMD EPYC dev machine; bigger tiles spill).
;; No fused multiply-add: relaxed-SIMD madd is not enabled by default in Node 20.
(module
  (memory (export "memory") 1)

  ;; scores(queries, queryTiles, rows, rowPairs, D, out, stride):
  ;; every query tile against every row pair; queries in the outer loop so a 4-query tile
  ;; (16 KiB at D = 1024) stays in L1 while the row chunk streams from L2.
  (func (export "scores")
    (param $q i32) (param $qTiles i32) (param $x i32) (param $rowPairs i32)
    (param $dims i32) (param $out i32) (param $stride i32)
    (local $qt i32) (local $rp i32) (local $qBase i32) (local $qp i32) (local $qEnd i32)
    (local $rowBytes i32) (local $tileBytes i32) (local $x0 i32) (local $x1 i32) (local $o i32)
    (local $v0 v128) (local $v1 v128) (local $w v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local.set $rowBytes (i32.shl (local.get $dims) (i32.const 2)))
    (local.set $tileBytes (i32.shl (local.get $rowBytes) (i32.const 2)))
    (local.set $qBase (local.get $q))
    (block $done
      (br_if $done (i32.or (i32.eqz (local.get $qTiles)) (i32.eqz (local.get $rowPairs))))
      (loop $queryTiles
        (local.set $rp (i32.const 0))
        (local.set $x0 (local.get $x))
        (loop $rowPairsLoop
          (local.set $x1 (i32.add (local.get $x0) (local.get $rowBytes)))
          (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
          (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
          (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
          (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
          (local.set $qp (local.get $qBase))
          (local.set $qEnd (i32.add (local.get $qBase) (local.get $tileBytes)))
          ;; one 4-dim step: 2 row loads, 4 query loads, 8 mul + 8 add
          (loop $step
            (local.set $v0 (v128.load (local.get $x0)))
            (local.set $v1 (v128.load (local.get $x1)))
            (local.set $w (v128.load offset=0 (local.get $qp)))
            (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $w) (local.get $v0))))
            (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $w) (local.get $v1))))
            (local.set $w (v128.load offset=16 (local.get $qp)))
            (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $w) (local.get $v0))))
            (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $w) (local.get $v1))))
            (local.set $w (v128.load offset=32 (local.get $qp)))
            (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $w) (local.get $v0))))
            (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $w) (local.get $v1))))
            (local.set $w (v128.load offset=48 (local.get $qp)))
            (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $w) (local.get $v0))))
            (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $w) (local.get $v1))))
            (local.set $qp (i32.add (local.get $qp) (i32.const 64)))
            (local.set $x0 (i32.add (local.get $x0) (i32.const 16)))
            (local.set $x1 (i32.add (local.get $x1) (i32.const 16)))
            (br_if $step (i32.lt_u (local.get $qp) (local.get $qEnd))))
          ;; x0 now points at row 2rp+1; the next pair starts one row further
          (local.set $x0 (local.get $x1))
          ;; o = out + ((4·qt)·stride + 2·rp)·4; rows i = 1..3 of the tile are stride·4 bytes apart
          (local.set $o
            (i32.add (local.get $out)
              (i32.shl
                (i32.add (i32.mul (i32.shl (local.get $qt) (i32.const 2)) (local.get $stride))
                         (i32.shl (local.get $rp) (i32.const 1)))
                (i32.const 2))))
          (call $store2 (local.get $o) (local.get $a00) (local.get $a01))
          (local.set $o (i32.add (local.get $o) (i32.shl (local.get $stride) (i32.const 2))))
          (call $store2 (local.get $o) (local.get $a10) (local.get $a11))
          (local.set $o (i32.add (local.get $o) (i32.shl (local.get $stride) (i32.const 2))))
          (call $store2 (local.get $o) (local.get $a20) (local.get $a21))
          (local.set $o (i32.add (local.get $o) (i32.shl (local.get $stride) (i32.const 2))))
          (call $store2 (local.get $o) (local.get $a30) (local.get $a31))
          (local.set $rp (i32.add (local.get $rp) (i32.const 1)))
          (br_if $rowPairsLoop (i32.lt_u (local.get $rp) (local.get $rowPairs))))
        (local.set $qBase (i32.add (local.get $qBase) (local.get $tileBytes)))
        (local.set $qt (i32.add (local.get $qt) (i32.const 1)))
        (br_if $queryTiles (i32.lt_u (local.get $qt) (local.get $qTiles))))))

  ;; Two horizontal sums, (l0 + l1) + (l2 + l3), stored as adjacent floats at o and o + 4.
  (func $store2 (param $o i32) (param $a v128) (param $b v128)
    (f32.store offset=0 (local.get $o) (call $hsum (local.get $a)))
    (f32.store offset=4 (local.get $o) (call $hsum (local.get $b))))

  (func $hsum (param $a v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
      (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))

  ;; maxSumSq(rows, count, D): the largest float32 Σ x² over `count` rows of D floats (no NaN
  ;; expected). The caller inflates it for this sum's own rounding before using it in a bound.
  (func (export "maxSumSq") (param $x i32) (param $count i32) (param $dims i32) (result f32)
    (local $r i32) (local $p i32) (local $end i32) (local $acc v128) (local $v v128) (local $best f32)
    (block $done
      (br_if $done (i32.eqz (local.get $count)))
      (local.set $p (local.get $x))
      (loop $rows
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $dims) (i32.const 2))))
        (loop $step
          (local.set $v (v128.load (local.get $p)))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (local.get $v))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br_if $step (i32.lt_u (local.get $p) (local.get $end))))
        (local.set $best (f32.max (local.get $best) (call $hsum (local.get $acc))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $r) (local.get $count)))))
    (local.get $best)))
