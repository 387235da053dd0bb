package bench.peers.scg;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.caffeine.CaffeineProxyManager;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.time.Duration;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;

/**
 * The Spring Cloud Gateway peer of bench/proxy.sh. Its one route (application.yml) goes to the engine through the
 * gateway's RequestRateLimiter filter: {@link #apiKeyResolver} names the bucket of a request by its API key and names
 * none for any other key, which the filter refuses with 401 (deny-empty-key); the Bucket4j rate limiter keeps one
 * local bucket per key (Caffeine), far above the load.
 *
 * <p>Properties: bench.keys (the accepted API keys, comma-separated), bench.engine (the engine's URL), server.port.
 */
@SpringBootApplication
public class GatewayPeer {

  private static final String BEARER = "Bearer ";

  public static void main(String[] args) {
    SpringApplication.run(GatewayPeer.class, args);
  }

  @Bean
  @Primary
  KeyResolver apiKeyResolver(@Value("${bench.keys}") Set<String> keys) {
    return exchange -> {
      String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
      if (authorization == null || !authorization.startsWith(BEARER)) {
        return Mono.empty();
      }
      String key = authorization.substring(BEARER.length());
      return keys.contains(key) ? Mono.just(key) : Mono.empty();
    };
  }

  @Bean
  @SuppressWarnings({"unchecked", "rawtypes"})
  AsyncProxyManager<String> bucketsByKey() {
    Caffeine<String, RemoteBucketState> buckets = (Caffeine) Caffeine.newBuilder().maximumSize(100_000);
    return new CaffeineProxyManager<>(buckets, Duration.ofMinutes(1)).asAsync();
  }
}
