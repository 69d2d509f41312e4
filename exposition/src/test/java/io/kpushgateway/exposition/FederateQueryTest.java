package io.kpushgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code /federate}'s query, read as Go's url.ParseQuery reads it. */
class FederateQueryTest {

  @Test
  void theQueryIsReadAsGoReadsIt() {
    assertThat(
            FederateRoutes.queryValues("match[]=a+b&x=1&match%5B%5D=%2B%7B%7D&&match[]", "match[]"))
        .containsExactly("a b", "+{}", "");
    assertThat(FederateRoutes.queryValues(null, "match[]")).isEmpty();
    assertThatThrownBy(() -> FederateRoutes.queryValues("match[]=a;b", "match[]"))
        .hasMessage("invalid semicolon separator in query");
    assertThatThrownBy(() -> FederateRoutes.queryValues("match[]=%4", "match[]"))
        .hasMessage("invalid URL escape \"%4\"");
    assertThat(FederateRoutes.queryValues("match[]=%C3%A9%F0%9F%98%80", "match[]"))
        .containsExactly("é😀");
  }
}
