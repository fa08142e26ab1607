package io.promcc.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dagger.BindsInstance;
import dagger.Component;
import io.promcc.core.model.CertificateBundle;
import io.promcc.core.model.GuestCluster;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The module's graph is complete once the documented bindings are given, and works. */
class VaultAdapterModuleTest {
  @Singleton
  @Component(modules = VaultAdapterModule.class)
  interface TestComponent {
    VaultCertificateSource certificateSource();

    @Component.Factory
    interface Factory {
      TestComponent create(@BindsInstance VaultSettings settings, @BindsInstance Clock clock,
          @BindsInstance RandomGenerator random, @BindsInstance CertificateListener listener);
    }
  }

  @Test
  void providesTheVaultCertificateSourceAsASingleton(@TempDir Path dir) throws Exception {
    try (VaultFixture fixture = new VaultFixture()) {
      Path jwt = Files.writeString(dir.resolve("jwt"), "sa-jwt");
      fixture.vault.kubernetesRole("kubernetes", "promcc", "sa-jwt", Duration.ofHours(1),
          Duration.ZERO);
      GuestCluster cluster = fixture.clusters("alpha").get(0);
      VaultSettings settings = fixture.settings()
          .auth(new VaultAuthSettings.Kubernetes("kubernetes", "promcc", jwt)).build();

      TestComponent component = DaggerVaultAdapterModuleTest_TestComponent.factory()
          .create(settings, fixture.clock, new SplittableRandom(7), CertificateListener.NONE);

      VaultCertificateSource source = component.certificateSource();
      assertSame(source, component.certificateSource());
      CertificateBundle bundle = source.observe(List.of(cluster)).bundles().get(cluster.id());
      assertEquals(1, fixture.vault.requestCount("pki-alpha/sign/role-alpha"));
      assertSame(bundle, component.certificateSource().observe(List.of(cluster)).bundles()
          .get(cluster.id()));
    }
  }
}
