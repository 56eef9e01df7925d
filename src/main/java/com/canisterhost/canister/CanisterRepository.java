package com.canisterhost.canister;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

/**
 * Reads of the {@code canisters} table; it has no save or delete, because {@code state.CanisterRows} and the commits
 * are the table's only writers.
 */
interface CanisterRepository extends Repository<CanisterEntity, String> {

    Optional<CanisterEntity> findById(String id);

    @Query(value = "SELECT nextval('canister_index')", nativeQuery = true)
    long nextIndex();

    @Query(value = "SELECT coalesce(sum(octet_length(data)), 0) FROM memory_pages WHERE canister_id = :id",
            nativeQuery = true)
    long persistedBytes(String id);

    @Query(value = "SELECT id FROM canisters WHERE status = 'stopped'", nativeQuery = true)
    List<String> stoppedIds();

    @Query(value = "SELECT id FROM canisters WHERE status = 'running' AND module_hash IS NOT NULL",
            nativeQuery = true)
    List<String> runningInstalled();

    @Query("SELECT c FROM CanisterEntity c ORDER BY c.createdAt, c.id")
    List<CanisterEntity> findAllInCreationOrder();
}
