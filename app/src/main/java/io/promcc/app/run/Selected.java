package io.promcc.app.run;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * The source the settings chose among those the adapters offer (a clusters file or Services; a
 * local CA, a folder, Vault or Secrets).
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
public @interface Selected {}
