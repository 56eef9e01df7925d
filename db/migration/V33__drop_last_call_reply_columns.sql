-- The reply of the last committed call was written on the canister row by every commit and read by nothing
-- (a tracked call's outcome lives in calls, a call's reply goes to its caller). What a commit whose answer was
-- lost is recognised by stays: last_call_version, last_call_kind, last_call_method and last_time.
ALTER TABLE canisters
    DROP COLUMN last_call_caller,
    DROP COLUMN last_call_outcome,
    DROP COLUMN last_call_reply,
    DROP COLUMN last_call_reject_code,
    DROP COLUMN last_call_reject_message;
