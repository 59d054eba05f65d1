/**
 * The Lettuce client adapter: {@link dev.latchkey.redis.lettuce.LettuceClients} hands an
 * application's Lettuce client to a backend; the adapter behind {@code client=lettuce} is internal.
 */
package dev.latchkey.redis.lettuce;
