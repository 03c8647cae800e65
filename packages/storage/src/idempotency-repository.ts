import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { OrdoDatabase } from './database';

/** A response kept for replay: status, the headers worth repeating, and the body. */
export const StoredResponse = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});
export type StoredResponse = z.infer<typeof StoredResponse>;

/** One use of an idempotency key. */
export interface IdempotencyRequest {
  principal: string;
  key: string;
  /** Digest of what makes two requests the same (method, path, body). */
  request_hash: string;
  now: Date;
  /** How long the key lives after its first use. */
  ttl_ms: number;
  /** How long the key stays held without a renewal before it counts as abandoned (its process died). */
  lease_ms: number;
}

/**
 * What to do with a request carrying an idempotency key: run it (the caller now holds the
 * key under `token`), answer the stored response again, or refuse it (the key was used for
 * another request, or its first request is still running).
 */
export type IdempotencyBegin =
  | { outcome: 'proceed'; token: string }
  | { outcome: 'replay'; response: StoredResponse; created_at: string }
  | { outcome: 'mismatch' }
  | { outcome: 'in_flight' };

/**
 * Idempotency keys (as Stripe's API has them), in the database so they hold across restarts
 * and API instances. Each step is one conditional statement, never a transaction that reads
 * then writes (which SQLite would refuse with SQLITE_BUSY under a concurrent writer): the
 * insert claims a new key, a conditional update takes over an abandoned one (its lease not
 * renewed in time), a running request renews its lease under its token, and the completion is
 * stored only under the claimer's lease.
 */
export class IdempotencyRepository {
  constructor(private readonly db: OrdoDatabase) {}

  async begin(request: IdempotencyRequest): Promise<IdempotencyBegin> {
    const now = request.now.toISOString();
    for (let attempt = 0; attempt < 5; attempt++) {
      const token = randomUUID();
      const inserted = await this.db
        .insertInto('idempotency_keys')
        .values({
          principal: request.principal,
          idempotency_key: request.key,
          request_hash: request.request_hash,
          state: 'in_flight',
          lease_token: token,
          locked_until: new Date(request.now.getTime() + request.lease_ms).toISOString(),
          response_status: null,
          response_headers: null,
          response_body: null,
          created_at: now,
          expires_at: new Date(request.now.getTime() + request.ttl_ms).toISOString(),
        })
        .onConflict((oc) => oc.columns(['principal', 'idempotency_key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { outcome: 'proceed', token };

      const row = await this.db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('principal', '=', request.principal)
        .where('idempotency_key', '=', request.key)
        .executeTakeFirst();
      if (!row) continue; // released or purged meanwhile: claim it afresh
      if (row.expires_at <= now) {
        // Expired: as if never used. Conditional, so a key claimed again meanwhile is kept.
        await this.db
          .deleteFrom('idempotency_keys')
          .where('principal', '=', request.principal)
          .where('idempotency_key', '=', request.key)
          .where('expires_at', '=', row.expires_at)
          .execute();
        continue;
      }
      if (row.request_hash !== request.request_hash) return { outcome: 'mismatch' };
      if (row.state === 'done' && row.response_status !== null) {
        return {
          outcome: 'replay',
          created_at: row.created_at,
          response: {
            status: row.response_status,
            headers: z.record(z.string(), z.string()).parse(JSON.parse(row.response_headers ?? '{}')),
            body: row.response_body ?? '',
          },
        };
      }
      if (row.locked_until > now) return { outcome: 'in_flight' };
      // Its first request was abandoned (the process running it died): take the key over.
      const taken = await this.db
        .updateTable('idempotency_keys')
        .set({ lease_token: token, locked_until: new Date(request.now.getTime() + request.lease_ms).toISOString() })
        .where('principal', '=', request.principal)
        .where('idempotency_key', '=', request.key)
        .where('state', '=', 'in_flight')
        .where('locked_until', '=', row.locked_until)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) return { outcome: 'proceed', token };
    }
    // Five rounds lost to concurrent claimers: tell the caller to come back, as for one in flight.
    return { outcome: 'in_flight' };
  }

  /**
   * Extends the lease of the request holding the key under `token` to `lockedUntil` (a request
   * still running renews it every few seconds); reports whether it still held the key (false:
   * it completed, was released, or was taken over after its lease ran out).
   */
  async renew(principal: string, key: string, token: string, lockedUntil: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotency_keys')
      .set({ locked_until: lockedUntil.toISOString() })
      .where('principal', '=', principal)
      .where('idempotency_key', '=', key)
      .where('lease_token', '=', token)
      .where('state', '=', 'in_flight')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Stores the response of the request holding the key under `token`; reports whether it did. */
  async complete(principal: string, key: string, token: string, response: StoredResponse): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotency_keys')
      .set({
        state: 'done',
        lease_token: null,
        response_status: response.status,
        response_headers: JSON.stringify(response.headers),
        response_body: response.body,
      })
      .where('principal', '=', principal)
      .where('idempotency_key', '=', key)
      .where('lease_token', '=', token)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Frees a key whose request did not complete (a 5xx): a retry runs it again. */
  async release(principal: string, key: string, token: string): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('principal', '=', principal)
      .where('idempotency_key', '=', key)
      .where('lease_token', '=', token)
      .where('state', '=', 'in_flight')
      .execute();
  }

  /** Deletes every key expired at `now`; returns how many. */
  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('idempotency_keys')
      .where('expires_at', '<=', now.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
