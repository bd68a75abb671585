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
;;   thr      float32 per query (4 per tile; +inf for padding queries): the admission threshold.
;;   hits     12-byte records [query i32, row i32, score f32], one per (query, row) whose score is
;;            ≥ thr[query]; `scores` returns how many it wrote. Only these reach JavaScript, not
;;            the ~10⁸ scores of a full run. Room for one per (query, row) must be provided.
;;
;; Register tile: 4 queries × 2 rows = 8 f32x4 accumulators + 2 row vectors + 1 query vector +
;; 1 product, within the 16 xmm registers of x64 (V8 keeps one as scratch). Each row vector
;; loaded is used by 4 queries and each query vector by 2 rows. Chosen by measurement on the 2-core
;; AMD EPYC dev machine (shared, under load; best of 15 short runs of the bare loop, one core,
;; GFLOPS): 4×2 31, 3×2 30, 6×1 27, 2×2 26, 4×1 26, 4×3 23, 5×2 19, 3×3 17, 8×1 15.
;; No fused multiply-add: relaxed-SIMD madd is not enabled by default in Node 20.
(module
  (memory (export "memory") 1)
  (global $hitCount (mut i32) (i32.const 0))
  (global $hitPtr (mut i32) (i32.const 0))

  ;; scores(queries, queryTiles, rows, rowPairs, D, thr, hits) → hit count:
  ;; every query tile against every row pair; queries in the outer loop so a 4-query tile
  ;; (16 KiB at D = 1024) stays in L1 while the row chunk streams from L2.
  (func (export "scores")
    (param $q i32) (param $qTiles i32) (param $x i32) (param $rowPairs i32)
    (param $dims i32) (param $thr i32) (param $hits i32) (result i32)
    (local $qt i32) (local $rp i32) (local $qBase i32) (local $qp i32) (local $qEnd i32)
    (local $rowBytes i32) (local $tileBytes i32) (local $x0 i32) (local $x1 i32) (local $qi i32)
    (local $s0 v128) (local $s1 v128) (local $t v128)
    (local $v0 v128) (local $v1 v128) (local $w v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local.set $rowBytes (i32.shl (local.get $dims) (i32.const 2)))
    (local.set $tileBytes (i32.shl (local.get $rowBytes) (i32.const 2)))
    (local.set $qBase (local.get $q))
    (global.set $hitCount (i32.const 0))
    (global.set $hitPtr (local.get $hits))
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
          ;; The tile's 8 scores as two vectors, s0 = row 2·rp and s1 = row 2·rp + 1, lane i for
          ;; query 4·qt + i: horizontal sums by transposing adds, (l0 + l2) + (l1 + l3).
          (local.set $s0
            (call $sum4 (local.get $a00) (local.get $a10) (local.get $a20) (local.get $a30)))
          (local.set $s1
            (call $sum4 (local.get $a01) (local.get $a11) (local.get $a21) (local.get $a31)))
          ;; One compare per row against the 4 queries' thresholds; hits are rare once they rose.
          (local.set $t (v128.load (i32.add (local.get $thr) (i32.shl (local.get $qt) (i32.const 4)))))
          (if (v128.any_true (v128.or (f32x4.ge (local.get $s0) (local.get $t)) (f32x4.ge (local.get $s1) (local.get $t))))
            (then
              (local.set $qi (i32.shl (local.get $qt) (i32.const 2)))
              (call $hits4 (local.get $qi) (i32.shl (local.get $rp) (i32.const 1)) (local.get $s0) (local.get $t))
              (call $hits4 (local.get $qi) (i32.add (i32.shl (local.get $rp) (i32.const 1)) (i32.const 1)) (local.get $s1) (local.get $t))))
          (local.set $rp (i32.add (local.get $rp) (i32.const 1)))
          (br_if $rowPairsLoop (i32.lt_u (local.get $rp) (local.get $rowPairs))))
        (local.set $qBase (i32.add (local.get $qBase) (local.get $tileBytes)))
        (local.set $qt (i32.add (local.get $qt) (i32.const 1)))
        (br_if $queryTiles (i32.lt_u (local.get $qt) (local.get $qTiles)))))
    (global.get $hitCount))

  ;; [Σa, Σb, Σc, Σd] of four accumulators. Called once per 4×2 tile (not per step), so the
  ;; call costs little next to the D/4 steps before it.
  (func $sum4 (param $a v128) (param $b v128) (param $c v128) (param $d v128) (result v128)
    (local $ab v128) (local $cd v128)
    ;; ab = [a0+a2, a1+a3, b0+b2, b1+b3], cd likewise
    (local.set $ab (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
    (local.set $cd (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d))))
    ;; [ab0+ab1, ab2+ab3, cd0+cd1, cd2+cd3]
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $ab) (local.get $cd))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $ab) (local.get $cd))))

  ;; Row r's scores s for queries qi..qi+3 against their thresholds t: each lane ≥ its
  ;; threshold (false for NaN) becomes a hit record.
  (func $hits4 (param $qi i32) (param $r i32) (param $s v128) (param $t v128)
    (call $hit (local.get $qi) (local.get $r) (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 0 (local.get $t)))
    (call $hit (i32.add (local.get $qi) (i32.const 1)) (local.get $r) (f32x4.extract_lane 1 (local.get $s)) (f32x4.extract_lane 1 (local.get $t)))
    (call $hit (i32.add (local.get $qi) (i32.const 2)) (local.get $r) (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 2 (local.get $t)))
    (call $hit (i32.add (local.get $qi) (i32.const 3)) (local.get $r) (f32x4.extract_lane 3 (local.get $s)) (f32x4.extract_lane 3 (local.get $t))))

  (func $hit (param $qi i32) (param $r i32) (param $s f32) (param $t f32)
    (local $p i32)
    (if (f32.ge (local.get $s) (local.get $t))
      (then
        (local.set $p (global.get $hitPtr))
        (i32.store offset=0 (local.get $p) (local.get $qi))
        (i32.store offset=4 (local.get $p) (local.get $r))
        (f32.store offset=8 (local.get $p) (local.get $s))
        (global.set $hitPtr (i32.add (local.get $p) (i32.const 12)))
        (global.set $hitCount (i32.add (global.get $hitCount) (i32.const 1))))))

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
