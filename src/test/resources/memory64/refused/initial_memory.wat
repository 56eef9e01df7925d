;; A 64-bit memory of 32769 pages at the start (over the 2 GiB heap cap)
(module (memory i64 32769))
