/**
 * The protocol v1 server: {@link dev.corridor.server.CorridorServer} on Jetty 12, with the
 * application's {@link dev.corridor.server.TopicPolicy}, {@link dev.corridor.server.PublishHandler}
 * and {@link dev.corridor.server.RequestHandler}.
 */
@NullMarked
package dev.corridor.server;

import org.jspecify.annotations.NullMarked;
