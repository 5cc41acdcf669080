/**
 * The client side of the market-ticker sample: a terminal ticker on Corridor.
 *
 * <ul>
 *   <li>{@link dev.corridor.sample.ticker.TickerModel}: what the ticker shows, fed by the SDK's
 *       callbacks, over {@code SymbolBook} (quotes, trades check), {@code AlertBoard},
 *       {@code LinkStatus} (state and counters) and {@code ModelEvents}; its immutable
 *       {@link dev.corridor.sample.ticker.TickerView} and the run's
 *       {@link dev.corridor.sample.ticker.TickerSummary}.
 *   <li>{@link dev.corridor.sample.ticker.TickerClient}: a {@code CorridorClient} wired to the model
 *       (subscriptions, alerts, focus, snapshots, simulated network loss through
 *       {@link dev.corridor.sample.ticker.SwitchableNetwork}).
 *   <li>{@link dev.corridor.sample.ticker.Renderer}: the screen layout, a pure function; the
 *       status fields it shares with plain mode come from {@code StatusLine}.
 *   <li>{@link dev.corridor.sample.ticker.TerminalUi}: the full-screen JLine UI and its keys.
 *   <li>{@link dev.corridor.sample.ticker.PlainReporter}: line-per-second output for non-TTYs.
 * </ul>
 */
@NullMarked
package dev.corridor.sample.ticker;

import org.jspecify.annotations.NullMarked;
