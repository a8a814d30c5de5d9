/*
 * Upper bounds on TOC inputs. The engines build arrays with a slot per day and walk working-day
 * calendars day by day, so a number far beyond any real plan would exhaust memory or CPU instead
 * of being refused as the typo it is.
 */

/**
 * Ten years of days: the longest horizon, buffer, lead time or schedule an engine plans over, and
 * the longest daily series or holiday list it reads.
 */
export const MAX_DAYS = 3_660;
/** A year of minutes: the most one operation, or one resource's day, may take. */
export const MAX_MINUTES = 525_600;
/** Units, demand, stock levels, capacities and hours. */
export const MAX_QUANTITY = 1e9;
/** Prices, costs, operating expense and investment. */
export const MAX_MONEY = 1e15;

/*
 * Upper bounds on list lengths, generous for a mid-size plant. Zod checks an array's length before
 * its elements, so an oversized list is refused at once instead of being validated and planned.
 */

/** Work centers, resources and constraints of one plant. */
export const MAX_WORK_CENTERS = 10_000;
/** Items, products and SKUs in one input. */
export const MAX_ITEMS = 100_000;
/** Orders and order-like records in one input: sales, late orders, inventory lots, orders to quote. */
export const MAX_ORDERS = 100_000;
/** Dated lines of one item: demand, receipts, stock moves, forecast. */
export const MAX_ITEM_LINES = 100_000;
/** Lines of one record: routing operations, bill-of-materials components, cost lines, order lines. */
export const MAX_RECORD_LINES = 1_000;
