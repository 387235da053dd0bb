package io.tollgate.registry;

import io.tollgate.keys.KeyDigest;
import java.time.Instant;

/**
 * An admin key known to the store (the generated first one); only its digest is kept.
 *
 * @param id public id {@code adm_…}, recorded in the audit log
 * @param digest keyed hash of the key
 * @param createdAt creation time
 */
public record AdminKey(String id, KeyDigest digest, Instant createdAt) {}
