package io.kpushgateway.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries the house style sets, checked on the compiled main code of every module.
 */
class ArchitectureTest {

  private static final JavaClasses PRODUCT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.kpushgateway");

  @Test
  void everyModuleIsChecked() {
    for (String module : new String[] {"core", "kafka", "store", "ingest", "exposition", "app"}) {
      String name = "io.kpushgateway." + module;
      assertThat(PRODUCT.stream().anyMatch(c -> c.getPackageName().startsWith(name)))
          .as("classes of io.kpushgateway." + module + " imported")
          .isTrue();
    }
  }

  @Test
  void onlyTheKafkaModulesUseKafka() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.kpushgateway.kafka..",
            "io.kpushgateway.broker..",
            "io.kpushgateway.store..",
            // test infrastructure, not shipped
            "io.kpushgateway.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..", "org.rocksdb..")
        .because(
            "Kafka and RocksDB types stay in the kafka, broker and streams-store modules"
                + " (STYLE.md)")
        .check(PRODUCT);
  }

  @Test
  void theCoreKnowsNothingOfHttpKafkaOrTheOtherModules() {
    noClasses()
        .that()
        .resideInAPackage("io.kpushgateway.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "io.javalin..",
            "jakarta.servlet..",
            "org.eclipse.jetty..",
            "io.kpushgateway.kafka..",
            "io.kpushgateway.store..",
            "io.kpushgateway.ingest..",
            "io.kpushgateway.exposition..",
            "io.kpushgateway.app..")
        .check(PRODUCT);
  }
}
