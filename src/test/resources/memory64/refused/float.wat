;; Floating point after lowered instructions (refused under strict: the location is the f32.load's byte offset in
;; this module, not in the lowered one)
(module (memory i64 1)
  (func (param i64) (result i32)
    (i32.store (local.get 0) (i32.load (local.get 0)))
    (i32.reinterpret_f32 (f32.load (local.get 0)))))
