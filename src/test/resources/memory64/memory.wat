;; A wasm64 module with no imports, for Memory64LoweringTest: every kind of memory instruction on a 64-bit memory,
;; with i64 addresses, sizes and results, in the shapes of the WebAssembly testsuite's memory64 tests (address64,
;; load64, memory64, memory_grow64, memory_trap64, memory_copy64, memory_fill64, memory_init64). Validated under
;; canonical-nan (it loads and stores floats).
(module
  (memory i64 1 4)
  (data (i64.const 0) "abcdefgh")
  (data (i64.const 0xfff8) "ABCDEFGH")
  (data $passive "\01\02\03\04\05")

  ;; loads at any i64 address (address64)
  (func (export "i32.load") (param $a i64) (result i32) (i32.load (local.get $a)))
  (func (export "i64.load") (param $a i64) (result i64) (i64.load (local.get $a)))
  (func (export "f32.load") (param $a i64) (result i32) (i32.reinterpret_f32 (f32.load (local.get $a))))
  (func (export "f64.load") (param $a i64) (result i64) (i64.reinterpret_f64 (f64.load (local.get $a))))
  (func (export "i32.load8_s") (param $a i64) (result i32) (i32.load8_s (local.get $a)))
  (func (export "i32.load8_u") (param $a i64) (result i32) (i32.load8_u (local.get $a)))
  (func (export "i32.load16_s") (param $a i64) (result i32) (i32.load16_s (local.get $a)))
  (func (export "i32.load16_u") (param $a i64) (result i32) (i32.load16_u (local.get $a)))
  (func (export "i64.load8_s") (param $a i64) (result i64) (i64.load8_s (local.get $a)))
  (func (export "i64.load8_u") (param $a i64) (result i64) (i64.load8_u (local.get $a)))
  (func (export "i64.load16_s") (param $a i64) (result i64) (i64.load16_s (local.get $a)))
  (func (export "i64.load16_u") (param $a i64) (result i64) (i64.load16_u (local.get $a)))
  (func (export "i64.load32_s") (param $a i64) (result i64) (i64.load32_s (local.get $a)))
  (func (export "i64.load32_u") (param $a i64) (result i64) (i64.load32_u (local.get $a)))

  ;; offsets in the memarg (address64, load64): small, just below 2^32, and 2^32 and more
  (func (export "load8_offset1") (param $a i64) (result i32) (i32.load8_u offset=1 (local.get $a)))
  (func (export "load8_offset_fff8") (param $a i64) (result i32) (i32.load8_u offset=0xfff8 (local.get $a)))
  (func (export "load_offset_ffffffff") (param $a i64) (result i32) (i32.load8_u offset=0xffffffff (local.get $a)))
  (func (export "load_offset_2^32") (param $a i64) (result i32) (i32.load8_u offset=0x100000000 (local.get $a)))
  (func (export "load_offset_huge") (param $a i64) (result i64)
    (i64.load offset=0xfffffffffffffff0 (local.get $a)))
  (func (export "store_offset_2^32") (param $a i64) (i32.store8 offset=0x100000000 (local.get $a) (i32.const 1)))

  ;; stores of every type, read back (memory64 "cast", store/load round trips)
  (func (export "i32.store") (param $a i64) (param $v i32) (i32.store (local.get $a) (local.get $v)))
  (func (export "i64.store") (param $a i64) (param $v i64) (i64.store (local.get $a) (local.get $v)))
  (func (export "f32.store") (param $a i64) (param $v i32) (f32.store (local.get $a) (f32.reinterpret_i32 (local.get $v))))
  (func (export "f64.store") (param $a i64) (param $v i64) (f64.store (local.get $a) (f64.reinterpret_i64 (local.get $v))))
  (func (export "i32.store8") (param $a i64) (param $v i32) (i32.store8 (local.get $a) (local.get $v)))
  (func (export "i32.store16") (param $a i64) (param $v i32) (i32.store16 (local.get $a) (local.get $v)))
  (func (export "i64.store8") (param $a i64) (param $v i64) (i64.store8 (local.get $a) (local.get $v)))
  (func (export "i64.store16") (param $a i64) (param $v i64) (i64.store16 (local.get $a) (local.get $v)))
  (func (export "i64.store32") (param $a i64) (param $v i64) (i64.store32 offset=4 (local.get $a) (local.get $v)))

  ;; memory_trap64: accesses relative to the end of memory
  (func $limit (result i64) (i64.mul (memory.size) (i64.const 0x10000)))
  (func (export "store_from_end") (param $i i64) (param $v i32)
    (i32.store (i64.add (call $limit) (local.get $i)) (local.get $v)))
  (func (export "load_from_end") (param $i i64) (result i32)
    (i32.load (i64.add (call $limit) (local.get $i))))

  ;; memory.size and memory.grow keep their i64 types (memory_grow64)
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param $pages i64) (result i64) (memory.grow (local.get $pages)))

  ;; bulk memory (memory_fill64, memory_copy64, memory_init64) with i64 destinations, sources and sizes
  (func (export "fill") (param $d i64) (param $v i32) (param $n i64) (memory.fill (local.get $d) (local.get $v) (local.get $n)))
  (func (export "copy") (param $d i64) (param $s i64) (param $n i64) (memory.copy (local.get $d) (local.get $s) (local.get $n)))
  (func (export "init") (param $d i64) (param $s i32) (param $n i32) (memory.init $passive (local.get $d) (local.get $s) (local.get $n)))
  (func (export "drop") (data.drop $passive))

  ;; a value set aside across the address conversion stays what it was, also in a loop with a counted shape
  (func (export "sum") (param $from i64) (param $n i64) (result i64) (local $s i64)
    (block $done
      (loop $next
        (br_if $done (i64.eqz (local.get $n)))
        (local.set $s (i64.add (local.get $s) (i64.load8_u (local.get $from))))
        (local.set $from (i64.add (local.get $from) (i64.const 1)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $next)))
    (local.get $s))
)
