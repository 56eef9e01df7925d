package com.canisterhost.canister;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface CanisterRepository extends JpaRepository<CanisterEntity, String> {

    @Query(value = "SELECT nextval('canister_index')", nativeQuery = true)
    long nextIndex();

    @Query(value = "SELECT coalesce(sum(octet_length(data)), 0) FROM memory_pages WHERE canister_id = :id",
            nativeQuery = true)
    long persistedBytes(String id);

    /**
     * Sets the status {@code to} if it is {@code from}, as a new canister version (ic0.canister_version): call
     * between executions. Returns 0 if the status was not {@code from}.
     */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query(value = "UPDATE canisters SET status = :to, state_version = state_version + 1, updated_at = now() "
            + "WHERE id = :id AND status = :from", nativeQuery = true)
    int changeStatus(String id, String from, String to);

    /** Sets a stopping or stopped canister running, as a new canister version; 0 if it was running. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query(value = "UPDATE canisters SET status = 'running', state_version = state_version + 1, updated_at = now() "
            + "WHERE id = :id AND status <> 'running'", nativeQuery = true)
    int start(String id);

    /** Deletes the canister if it is stopped; returns 0 if it is not (or is gone). */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query(value = "DELETE FROM canisters WHERE id = :id AND status = 'stopped'", nativeQuery = true)
    int deleteStopped(String id);

    /** Marks a canister stopping; no version change, so the calls it is draining still commit. */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query(value = "UPDATE canisters SET status = 'stopping', updated_at = now() WHERE id = :id AND status = 'running'",
            nativeQuery = true)
    int markStopping(String id);

    /** Canisters left stopping by a shutdown: nothing of theirs is in flight any more. */
    @Modifying
    @Query(value = "UPDATE canisters SET status = 'stopped', state_version = state_version + 1, updated_at = now() "
            + "WHERE status = 'stopping'", nativeQuery = true)
    int finishStopping();

    @Query(value = "SELECT id FROM canisters WHERE status = 'stopped'", nativeQuery = true)
    List<String> stoppedIds();

    @Query(value = "SELECT id FROM canisters WHERE status = 'running' AND module_hash IS NOT NULL",
            nativeQuery = true)
    List<String> runningInstalled();

    @Query("SELECT c FROM CanisterEntity c ORDER BY c.createdAt, c.id")
    List<CanisterEntity> findAllInCreationOrder();
}
