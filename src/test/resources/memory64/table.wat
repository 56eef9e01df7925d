;; 64-bit tables (the testsuite's table64, call_indirect64, table_*64 tests), for Memory64LoweringTest: call_indirect
;; and every table instruction with i64 indices, sizes and results, and active element segments at i64 offsets.
;; A 32-bit memory sits beside them: the System API width goes by the memory, not the tables.
(module
  (type $ret (func (result i32)))
  (table $t i64 4 8 funcref)
  (table $u i64 2 externref)
  (memory 1)
  (elem (table $t) (i64.const 1) func $seven $eight)
  (elem $later func $nine)
  (func $seven (result i32) (i32.const 7))
  (func $eight (result i32) (i32.const 8))
  (func $nine (result i32) (i32.const 9))

  (func (export "call") (param $i i64) (result i32) (call_indirect $t (type $ret) (local.get $i)))
  (func (export "is_null") (param $i i64) (result i32) (ref.is_null (table.get $t (local.get $i))))
  (func (export "set_null") (param $i i64) (table.set $t (local.get $i) (ref.null func)))
  (func (export "copy_from_1") (param $i i64) (table.set $t (local.get $i) (table.get $t (i64.const 1))))
  (func (export "size") (result i64) (table.size $t))
  (func (export "grow") (param $n i64) (result i64) (table.grow $t (ref.null func) (local.get $n)))
  (func (export "fill") (param $i i64) (param $n i64) (table.fill $t (local.get $i) (table.get $t (i64.const 2)) (local.get $n)))
  (func (export "copy") (param $d i64) (param $s i64) (param $n i64) (table.copy $t $t (local.get $d) (local.get $s) (local.get $n)))
  (func (export "init") (param $d i64) (param $s i32) (param $n i32) (table.init $t $later (local.get $d) (local.get $s) (local.get $n)))
  (func (export "size_u") (result i64) (table.size $u))
  (func (export "memory_size") (result i32) (memory.size))
)
