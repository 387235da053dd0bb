package io.tollgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.webhooks.EventType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's Webhooks page writes the event types an endpoint can subscribe to into its source: every type the
 * Admin API accepts must be offered there (webhook.test is sent only by "Send test event", never subscribed to).
 */
final class ConsoleWebhookEventsTest {
  private static final Path PAGE = Path.of("console", "src", "pages", "webhooks.js");

  @Test
  void everySubscribableEventType_isOfferedByTheConsolesWebhooksPage() throws Exception {
    String source = Files.readString(PAGE);
    Matcher block = Pattern.compile("const EVENTS = \\[(.*?)\\n];", Pattern.DOTALL).matcher(source);
    assertThat(block.find()).as("the EVENTS list in %s", PAGE).isTrue();
    Matcher entry = Pattern.compile("\\['([a-z_.]+)',").matcher(block.group(1));
    List<String> offered = entry.results().map(m -> m.group(1)).toList();
    List<String> accepted = Arrays.stream(EventType.values()).filter(t -> t != EventType.WEBHOOK_TEST)
        .map(EventType::wireName).toList();
    assertThat(offered).doesNotHaveDuplicates().doesNotContain("webhook.test").containsAll(accepted);
  }
}
