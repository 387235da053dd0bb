package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.webhooks.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The console's Webhooks page offers every event type an endpoint can subscribe to, and no other. */
class ConsoleWebhookEventsTest {
  private static final Pattern ENTRY = Pattern.compile("\\['([a-z_.]+)', '");

  @Test
  void webhooksPage_listsEverySubscribableEventType() throws IOException {
    String page = Files.readString(Path.of("console/src/pages/webhooks.js"));
    String list = page.substring(page.indexOf("const EVENTS = ["), page.indexOf("];", page.indexOf("const EVENTS")));
    Matcher m = ENTRY.matcher(list);
    var offered = new java.util.TreeSet<String>();
    while (m.find()) {
      offered.add(m.group(1));
    }
    var subscribable = Arrays.stream(EventType.values()).filter(t -> t != EventType.WEBHOOK_TEST)
        .map(EventType::wireName).collect(Collectors.toCollection(java.util.TreeSet::new));
    assertThat(offered).isEqualTo(subscribable);
  }
}
