-- Indexes for what start-up reads (found by profiling the start of a 10,000-draft database, see
-- BENCHMARKS.md). Counting the drafts that use each case reason visited every live draft row (~100 ms
-- for 10,000 drafts with a cold page cache); the cases list sorted every case in a temp B-tree.
CREATE INDEX drafts_by_reason ON drafts (reason_id) WHERE deleted_at IS NULL;
CREATE INDEX cases_by_created ON cases (created_at DESC, id DESC);
