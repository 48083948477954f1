;; Decision-forest prediction kernel (random forest, decision tree): each tree's nodes in
;; pre-order 8-byte records, walked eight rows at a time with `select` instead of a branch,
;; so the CPU neither mispredicts the way down nor waits on one row's chain of loads.
;; Each call takes every tree over all its rows in turn (a few thousand): one tree and the
;; rows stay in the L2 cache together, so the deep nodes are read from memory once per
;; call rather than once per row that reaches them; and the tree is read in order before
;; its walk, so that those reads stream instead of stalling the walk.
;; Compiled into decision-forest.wasm.ts by `npm run build:wasm`; edit this file.
;;
;; Memory, laid out by the caller (decision-forest-kernel.ts; offsets in bytes):
;;   nodes:  8-byte records { f32 threshold, i32 (right child's offset from the tree's root
;;           record) × 256 + column }; the left child is the next record. A leaf's threshold
;;           is a NaN and its right child itself, so a row that reached it stays there while
;;           the other seven walk on. The NaN's low 22 bits hold the leaf's code: c < 2^21:
;;           all of the leaf's weight is class c; otherwise its class values are row
;;           (c − 2^21) of `values`.
;;   roots:  per tree the address of its root record and of the end of its records (i32
;;           pairs), then one i32 the kernel writes (the sum of the prefetching reads)
;;   values: rows of `classes` f32
;;   data:   n rows × d f32, row-major, n a multiple of 8
;;   sums:   n × classes f64, to which every tree adds, in tree order, its leaf's values
;; One step from record a: k = x[column(a)] <= threshold(a) ? a + 8 : root + right(a); NaN
;; is not <= anything, so it goes right, as in the JavaScript walk.
(module
  (memory (export "memory") 1)

  ;; adds value row (code − 2^21) to the row of sums at `sum` (a leaf that is not all one class)
  (func $addRow (param $code i32) (param $sum i32) (param $values i32) (param $classes i32)
    (local $v i32) (local $end i32)
    (local.set $v (i32.add (local.get $values)
      (i32.shl (i32.mul (i32.sub (local.get $code) (i32.const 0x200000)) (local.get $classes)) (i32.const 2))))
    (local.set $end (i32.add (local.get $sum) (i32.shl (local.get $classes) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $sum) (local.get $end)))
        (f64.store (local.get $sum) (f64.add (f64.load (local.get $sum)) (f64.promote_f32 (f32.load (local.get $v)))))
        (local.set $sum (i32.add (local.get $sum) (i32.const 8)))
        (local.set $v (i32.add (local.get $v) (i32.const 4)))
        (br $each))))

  (func (export "addLeafValues")
    (param $roots i32) (param $trees i32) (param $values i32) (param $classes i32)
    (param $data i32) (param $n i32) (param $d i32) (param $sums i32)
    (local $rowBytes i32) (local $sumBytes i32) (local $before i32)
    (local $t i32) (local $root i32) (local $i i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $r4 i32) (local $r5 i32) (local $r6 i32) (local $r7 i32)
    (local $k0 i32) (local $k1 i32) (local $k2 i32) (local $k3 i32) (local $k4 i32) (local $k5 i32) (local $k6 i32) (local $k7 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $a4 i32) (local $a5 i32) (local $a6 i32) (local $a7 i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32) (local $w4 i32) (local $w5 i32) (local $w6 i32) (local $w7 i32)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $sumBytes (i32.shl (local.get $classes) (i32.const 3)))
    (block $treesDone
      (loop $trees
        (br_if $treesDone (i32.ge_u (local.get $t) (local.get $trees)))
        (local.set $root (i32.load (i32.add (local.get $roots) (i32.shl (local.get $t) (i32.const 3)))))
        ;; the tree's records read in address order first, one load per 64-byte line: the
        ;; hardware prefetcher streams them into the cache, where the walk's scattered reads
        ;; would wait for each line in turn
        (local.set $a1 (i32.load offset=4 (i32.add (local.get $roots) (i32.shl (local.get $t) (i32.const 3)))))
        (local.set $a0 (local.get $root))
        (local.set $w0 (i32.const 0))
        (block $touched
          (loop $touch
            (br_if $touched (i32.ge_u (local.get $a0) (local.get $a1)))
            (local.set $w0 (i32.add (local.get $w0) (i32.load (local.get $a0))))
            (local.set $a0 (i32.add (local.get $a0) (i32.const 64)))
            (br $touch)))
        ;; kept, so that the reads are not optimised away
        (i32.store (i32.add (local.get $roots) (i32.shl (local.get $trees) (i32.const 3))) (local.get $w0))
        (local.set $i (i32.const 0))
        (block $eightsDone
          (loop $eights
            (br_if $eightsDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $r0 (i32.add (local.get $data) (i32.mul (local.get $i) (local.get $rowBytes))))
            (local.set $r1 (i32.add (local.get $r0) (local.get $rowBytes)))
            (local.set $r2 (i32.add (local.get $r1) (local.get $rowBytes)))
            (local.set $r3 (i32.add (local.get $r2) (local.get $rowBytes)))
            (local.set $r4 (i32.add (local.get $r3) (local.get $rowBytes)))
            (local.set $r5 (i32.add (local.get $r4) (local.get $rowBytes)))
            (local.set $r6 (i32.add (local.get $r5) (local.get $rowBytes)))
            (local.set $r7 (i32.add (local.get $r6) (local.get $rowBytes)))
            (local.set $before (i32.shl (local.get $root) (i32.const 3)))
            (local.set $k0 (local.get $root))
            (local.set $k1 (local.get $root))
            (local.set $k2 (local.get $root))
            (local.set $k3 (local.get $root))
            (local.set $k4 (local.get $root))
            (local.set $k5 (local.get $root))
            (local.set $k6 (local.get $root))
            (local.set $k7 (local.get $root))
            ;; two steps at a time until none of the eight moved: all are at their leaves
            (loop $steps
              (local.set $a0 (local.get $k0))
              (local.set $w0 (i32.load offset=4 (local.get $a0)))
              (local.set $k0 (select
                (i32.add (local.get $a0) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w0) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r0) (i32.shl (i32.and (local.get $w0) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a0)))))
              (local.set $a1 (local.get $k1))
              (local.set $w1 (i32.load offset=4 (local.get $a1)))
              (local.set $k1 (select
                (i32.add (local.get $a1) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w1) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r1) (i32.shl (i32.and (local.get $w1) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a1)))))
              (local.set $a2 (local.get $k2))
              (local.set $w2 (i32.load offset=4 (local.get $a2)))
              (local.set $k2 (select
                (i32.add (local.get $a2) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w2) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r2) (i32.shl (i32.and (local.get $w2) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a2)))))
              (local.set $a3 (local.get $k3))
              (local.set $w3 (i32.load offset=4 (local.get $a3)))
              (local.set $k3 (select
                (i32.add (local.get $a3) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w3) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r3) (i32.shl (i32.and (local.get $w3) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a3)))))
              (local.set $a4 (local.get $k4))
              (local.set $w4 (i32.load offset=4 (local.get $a4)))
              (local.set $k4 (select
                (i32.add (local.get $a4) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w4) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r4) (i32.shl (i32.and (local.get $w4) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a4)))))
              (local.set $a5 (local.get $k5))
              (local.set $w5 (i32.load offset=4 (local.get $a5)))
              (local.set $k5 (select
                (i32.add (local.get $a5) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w5) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r5) (i32.shl (i32.and (local.get $w5) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a5)))))
              (local.set $a6 (local.get $k6))
              (local.set $w6 (i32.load offset=4 (local.get $a6)))
              (local.set $k6 (select
                (i32.add (local.get $a6) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w6) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r6) (i32.shl (i32.and (local.get $w6) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a6)))))
              (local.set $a7 (local.get $k7))
              (local.set $w7 (i32.load offset=4 (local.get $a7)))
              (local.set $k7 (select
                (i32.add (local.get $a7) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w7) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r7) (i32.shl (i32.and (local.get $w7) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a7)))))
              (local.set $a0 (local.get $k0))
              (local.set $w0 (i32.load offset=4 (local.get $a0)))
              (local.set $k0 (select
                (i32.add (local.get $a0) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w0) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r0) (i32.shl (i32.and (local.get $w0) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a0)))))
              (local.set $a1 (local.get $k1))
              (local.set $w1 (i32.load offset=4 (local.get $a1)))
              (local.set $k1 (select
                (i32.add (local.get $a1) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w1) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r1) (i32.shl (i32.and (local.get $w1) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a1)))))
              (local.set $a2 (local.get $k2))
              (local.set $w2 (i32.load offset=4 (local.get $a2)))
              (local.set $k2 (select
                (i32.add (local.get $a2) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w2) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r2) (i32.shl (i32.and (local.get $w2) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a2)))))
              (local.set $a3 (local.get $k3))
              (local.set $w3 (i32.load offset=4 (local.get $a3)))
              (local.set $k3 (select
                (i32.add (local.get $a3) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w3) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r3) (i32.shl (i32.and (local.get $w3) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a3)))))
              (local.set $a4 (local.get $k4))
              (local.set $w4 (i32.load offset=4 (local.get $a4)))
              (local.set $k4 (select
                (i32.add (local.get $a4) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w4) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r4) (i32.shl (i32.and (local.get $w4) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a4)))))
              (local.set $a5 (local.get $k5))
              (local.set $w5 (i32.load offset=4 (local.get $a5)))
              (local.set $k5 (select
                (i32.add (local.get $a5) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w5) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r5) (i32.shl (i32.and (local.get $w5) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a5)))))
              (local.set $a6 (local.get $k6))
              (local.set $w6 (i32.load offset=4 (local.get $a6)))
              (local.set $k6 (select
                (i32.add (local.get $a6) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w6) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r6) (i32.shl (i32.and (local.get $w6) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a6)))))
              (local.set $a7 (local.get $k7))
              (local.set $w7 (i32.load offset=4 (local.get $a7)))
              (local.set $k7 (select
                (i32.add (local.get $a7) (i32.const 8))
                (i32.add (local.get $root) (i32.shr_u (local.get $w7) (i32.const 8)))
                (f32.le
                  (f32.load (i32.add (local.get $r7) (i32.shl (i32.and (local.get $w7) (i32.const 255)) (i32.const 2))))
                  (f32.load (local.get $a7)))))
              ;; rows only move forward (children follow their parent) and stay at a leaf, so an
              ;; unchanged sum of the eight records means that none moved
              (br_if $steps (i32.ne (local.get $before) (local.tee $before
                (i32.add (i32.add (i32.add (local.get $k0) (local.get $k1)) (i32.add (local.get $k2) (local.get $k3)))
                  (i32.add (i32.add (local.get $k4) (local.get $k5)) (i32.add (local.get $k6) (local.get $k7))))))))
            ;; each row's leaf: a class adds 1 to its sum here; a row of values through $addRow
            (local.set $w0 (i32.and (i32.load (local.get $k0)) (i32.const 0x3fffff)))
            (local.set $a0 (i32.add (local.get $sums) (i32.mul (i32.add (local.get $i) (i32.const 0)) (local.get $sumBytes))))
            (if (i32.lt_u (local.get $w0) (i32.const 0x200000))
              (then (f64.store (local.tee $a0 (i32.add (local.get $a0) (i32.shl (local.get $w0) (i32.const 3))))
                (f64.add (f64.load (local.get $a0)) (f64.const 1))))
              (else (call $addRow (local.get $w0) (local.get $a0) (local.get $values) (local.get $classes))))
            (local.set $w1 (i32.and (i32.load (local.get $k1)) (i32.const 0x3fffff)))
            (local.set $a1 (i32.add (local.get $sums) (i32.mul (i32.add (local.get $i) (i32.const 1)) (local.get $sumBytes))))
            (if (i32.lt_u (local.get $w1) (i32.const 0x200000))
              (then (f64.store (local.tee $a1 (i32.add (local.get $a1) (i32.shl (local.get $w1) (i32.const 3))))
                (f64.add (f64.load (local.get $a1)) (f64.const 1))))
              (else (call $addRow (local.get $w1) (local.get $a1) (local.get $values) (local.get $classes))))
            (local.set $w2 (i32.and (i32.load (local.get $k2)) (i32.const 0x3fffff)))
            (local.set $a2 (i32.add (local.get $sums) (i32.mul (i32.add (local.get $i) (i32.const 2)) (local.get $sumBytes))))
            (if (i32.lt_u (local.get $w2) (i32.const 0x200000))
              (then (f64.store (local.tee $a2 (i32.add (local.get $a2) (i32.shl (local.get $w2) (i32.const 3))))
                (f64.add (f64.load (local.get $a2)) (f64.const 1))))
              (else (call $addRow (local.get $w2) (local.get $a2) (local.get $values) (local.get $classes))))
            (local.set $w3 (i32.and (i32.load (local.get $k3)) (i32.const 0x3fffff)))
            (local.set $a3 (i32.add (local.get $sums) (i32.mul (i32.add (local.get $i) (i32.const 3)) (local.get $sumBytes))))
            (if (i32.lt_u (local.get $w3) (i32.const 0x200000))
              (then (f64.store (local.tee $a3 (i32.add (local.get $a3) (i32.shl (local.get $w3) (i32.const 3))))
                (f64.add (f64.load (local.get $a3)) (f64.const 1))))
              (else (call $addRow (local.get $w3) (local.get $a3) (local.get $values) (local.get $classes))))
            (local.set $w4 (i32.and (i32.load (local.get $k4)) (i32.const 0x3fffff)))
            (local.set $a4 (i32.add (local.get $sums) (i32.mul (i32.add (local.get $i) (i32.const 4)) (local.get $sumBytes))))
            (if (i32.lt_u (local.get $w4) (i32.const 0x200000))
              (then (f64.store (local.tee $a4 (i32.add (local.get $a4) (i32.shl (local.get $w4) (i32.const 3))))
                (f64.add (f64.load (local.get $a4)) (f64.const 1))))
              (else (call $addRow (local.get $w4) (local.get $a4) (local.get $values) (local.get $classes))))
            (local.set $w5 (i32.and (i32.load (local.get $k5)) (i32.const 0x3fffff)))
            (local.set $a5 (i32.add (local.get $sums) (i32.mul (i32.add (local.get $i) (i32.const 5)) (local.get $sumBytes))))
            (if (i32.lt_u (local.get $w5) (i32.const 0x200000))
              (then (f64.store (local.tee $a5 (i32.add (local.get $a5) (i32.shl (local.get $w5) (i32.const 3))))
                (f64.add (f64.load (local.get $a5)) (f64.const 1))))
              (else (call $addRow (local.get $w5) (local.get $a5) (local.get $values) (local.get $classes))))
            (local.set $w6 (i32.and (i32.load (local.get $k6)) (i32.const 0x3fffff)))
            (local.set $a6 (i32.add (local.get $sums) (i32.mul (i32.add (local.get $i) (i32.const 6)) (local.get $sumBytes))))
            (if (i32.lt_u (local.get $w6) (i32.const 0x200000))
              (then (f64.store (local.tee $a6 (i32.add (local.get $a6) (i32.shl (local.get $w6) (i32.const 3))))
                (f64.add (f64.load (local.get $a6)) (f64.const 1))))
              (else (call $addRow (local.get $w6) (local.get $a6) (local.get $values) (local.get $classes))))
            (local.set $w7 (i32.and (i32.load (local.get $k7)) (i32.const 0x3fffff)))
            (local.set $a7 (i32.add (local.get $sums) (i32.mul (i32.add (local.get $i) (i32.const 7)) (local.get $sumBytes))))
            (if (i32.lt_u (local.get $w7) (i32.const 0x200000))
              (then (f64.store (local.tee $a7 (i32.add (local.get $a7) (i32.shl (local.get $w7) (i32.const 3))))
                (f64.add (f64.load (local.get $a7)) (f64.const 1))))
              (else (call $addRow (local.get $w7) (local.get $a7) (local.get $values) (local.get $classes))))
            (local.set $i (i32.add (local.get $i) (i32.const 8)))
            (br $eights)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $trees))))
)
