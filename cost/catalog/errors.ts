/**
 * Typed errors of the price catalog. The pricing engine catches PriceNotFound and lists the resource as
 * "not priced" — a missing price must never turn into a zero on a bill.
 */

export class PriceNotFound extends Error {
  override readonly name = 'PriceNotFound';
  constructor(
    /** What was looked up, e.g. "EC2 on-demand Linux". */
    readonly item: string,
    /** The key that has no price, e.g. "m9z.large in eu-central-1". */
    readonly key: string,
    /** Why, when more can be said than "not in the catalog" (e.g. which sizes exist). */
    readonly hint?: string,
  ) {
    super(`No price for ${item}: ${key}${hint ? ` (${hint})` : ''}`);
  }
}

/** A feed could not be downloaded during `stagekit prices refresh`. */
export class FeedUnreachable extends Error {
  override readonly name = 'FeedUnreachable';
  constructor(
    readonly feedId: string,
    readonly url: string,
    readonly reason: string,
  ) {
    super(
      `Cannot refresh the price catalog: ${url} is unreachable (${reason}). ` +
        `Feed "${feedId}" is required; nothing was written and the committed catalog is unchanged.`,
    );
  }
}

/** A feed was read but does not have the shape its parser expects (the publisher changed the format). */
export class FeedFormatError extends Error {
  override readonly name = 'FeedFormatError';
  constructor(
    readonly feed: string,
    readonly detail: string,
  ) {
    super(`Unexpected format in price feed ${feed}: ${detail}`);
  }
}
