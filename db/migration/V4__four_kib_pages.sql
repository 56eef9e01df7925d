-- Memory is now persisted in 4 KiB pages (the dirty-tracking granularity) instead of 64 KiB Wasm pages:
-- split every stored page into 16, keeping only the non-zero ones.
CREATE TABLE memory_pages_4k (LIKE memory_pages INCLUDING ALL);

INSERT INTO memory_pages_4k (canister_id, kind, page_index, data)
SELECT canister_id, kind, page_index * 16 + part, substring(data FROM part * 4096 + 1 FOR 4096)
  FROM memory_pages, generate_series(0, 15) AS part
 WHERE substring(data FROM part * 4096 + 1 FOR 4096) <> decode(repeat('00', 4096), 'hex');

DROP TABLE memory_pages;
ALTER TABLE memory_pages_4k RENAME TO memory_pages;
ALTER TABLE memory_pages ADD FOREIGN KEY (canister_id) REFERENCES canisters (id) ON DELETE CASCADE;
