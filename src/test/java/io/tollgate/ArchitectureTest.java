package io.tollgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of STYLE.md and docs/architecture.md: who may import Vert.x, JDBC, and whom. "Only {@code cli}
 * wires the parts" is checked as: nothing outside {@code cli} reaches the store (so only {@code cli} opens it and
 * hands its interfaces on), and {@code gate} and {@code admin} never see each other (so only {@code cli}, which
 * knows both, puts them in one process).
 */
final class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tollgate");
  }

  @Test
  void vertx_isUsedOnlyByGateAdminCliDemoAndWebhookDelivery() {
    noClasses().that().resideOutsideOfPackages("io.tollgate.gate..", "io.tollgate.admin..", "io.tollgate.cli..",
            "io.tollgate.demo..", "io.tollgate.edge..", "io.tollgate.webhooks.delivery..")
        .should().dependOnClassesThat().resideInAPackage("io.vertx..")
        .check(classes);
  }

  @Test
  void jdbc_isUsedOnlyByTheStore() {
    noClasses().that().resideOutsideOfPackage("io.tollgate.store..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("java.sql..", "org.jdbi..", "com.zaxxer.hikari..", "org.flywaydb..", "org.sqlite..",
            "org.postgresql..")
        .check(classes);
  }

  @Test
  void store_dependsInward_nothingButCliDependsOnIt() {
    noClasses().that().resideOutsideOfPackages("io.tollgate.store..", "io.tollgate.cli..")
        .should().dependOnClassesThat().resideInAPackage("io.tollgate.store..")
        .check(classes);
  }

  @Test
  void coreValuePackages_dependOnNoPlane() {
    noClasses().that().resideInAnyPackage("io.tollgate.keys..", "io.tollgate.limits..", "io.tollgate.config..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("io.tollgate.registry..", "io.tollgate.metering..", "io.tollgate.gate..",
            "io.tollgate.admin..", "io.tollgate.cli..")
        .check(classes);
  }

  @Test
  void registry_doesNotDependOnThePlanesAbove() {
    noClasses().that().resideInAnyPackage("io.tollgate.registry..", "io.tollgate.metering..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("io.tollgate.gate..", "io.tollgate.admin..", "io.tollgate.cli..")
        .check(classes);
  }

  @Test
  void operatorCli_isOnlyAnHttpClientOfTheAdminApi() {
    noClasses().that().resideInAPackage("io.tollgate.cli.admin..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.tollgate.admin..",
            "io.tollgate.registry..", "io.tollgate.metering..", "io.tollgate.store..", "io.tollgate.gate..",
            "io.tollgate.config..", "io.tollgate.keys..", "io.tollgate.limits..")
        .check(classes);
  }

  @Test
  void gate_neverImportsTheStore() {
    noClasses().that().resideInAPackage("io.tollgate.gate..")
        .should().dependOnClassesThat().resideInAPackage("io.tollgate.store..")
        .check(classes);
  }

  @Test
  void store_neverImportsGateOrAdmin() {
    noClasses().that().resideInAPackage("io.tollgate.store..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.gate..", "io.tollgate.admin..",
            "io.tollgate.cli..")
        .check(classes);
  }

  @Test
  void gateAndAdmin_neverSeeEachOther_onlyCliWiresThem() {
    noClasses().that().resideInAPackage("io.tollgate.gate..")
        .should().dependOnClassesThat().resideInAPackage("io.tollgate.admin..")
        .check(classes);
    noClasses().that().resideInAPackage("io.tollgate.admin..")
        .should().dependOnClassesThat().resideInAPackage("io.tollgate.gate..")
        .check(classes);
  }

  @Test
  void topLevelPackages_haveNoCycles() {
    slices().matching("io.tollgate.(*)..").should().beFreeOfCycles().check(classes);
  }
}
