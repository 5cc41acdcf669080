package dev.corridor.server.internal;

import dev.corridor.server.TopicUse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The topics a token grants, per use: exact names, and prefixes (an entry ending in {@code *}).
 * Immutable.
 */
public final class TopicGrants {
  private final List<String> subscribe;
  private final List<String> publish;

  private TopicGrants(List<String> subscribe, List<String> publish) {
    this.subscribe = subscribe;
    this.publish = publish;
  }

  /** From the claim's JSON object; null if it is malformed (a use that is not a list of strings). */
  public static TopicGrants parse(Map<?, ?> claim) {
    List<String> subscribe = strings(claim.get("subscribe"));
    List<String> publish = strings(claim.get("publish"));
    if (subscribe == null || publish == null) return null;
    return new TopicGrants(subscribe, publish);
  }

  private static List<String> strings(Object value) {
    if (value == null) return List.of();
    if (!(value instanceof List<?> list)) return null;
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isEmpty()) return null;
      out.add(s);
    }
    return List.copyOf(out);
  }

  public boolean allows(String topic, TopicUse use) {
    for (String grant : use == TopicUse.SUBSCRIBE ? subscribe : publish) {
      if (grant.endsWith("*") ? topic.startsWith(grant.substring(0, grant.length() - 1)) : topic.equals(grant)) {
        return true;
      }
    }
    return false;
  }
}
