-- The timer poll runs 10 times a second: without an index it read every canister row each time. Only armed
-- timers (global_timer > 0) are indexed, and a commit that leaves the timer as it was keeps its HOT update.
CREATE INDEX canisters_armed_timers ON canisters (global_timer) WHERE global_timer > 0;
