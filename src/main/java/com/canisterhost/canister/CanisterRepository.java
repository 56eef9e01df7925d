package com.canisterhost.canister;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface CanisterRepository extends JpaRepository<CanisterEntity, String> {

    @Query(value = "SELECT nextval('canister_index')", nativeQuery = true)
    long nextIndex();

    @Query(value = "SELECT coalesce(sum(octet_length(data)), 0) FROM memory_pages WHERE canister_id = :id",
            nativeQuery = true)
    long persistedBytes(String id);

    @Query("SELECT c FROM CanisterEntity c ORDER BY c.createdAt, c.id")
    List<CanisterEntity> findAllInCreationOrder();
}
