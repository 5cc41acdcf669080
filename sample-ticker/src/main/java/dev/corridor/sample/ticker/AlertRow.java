package dev.corridor.sample.ticker;

import dev.corridor.sample.proto.PriceAlert;
import org.jspecify.annotations.Nullable;

/**
 * One alert, as of its newest edit.
 *
 * @param direction null when only an {@code AlertTriggered} is known (e.g. from a previous run)
 * @param detail "at PRICE" when triggered (in the threshold's format), the server's reason when
 *     rejected, the outcome (OVERFLOW, CLOSED) when failed, else empty
 */
public record AlertRow(String id, String symbol, PriceAlert.@Nullable Direction direction,
    long thresholdMicros, AlertStatus status, String detail) {}
