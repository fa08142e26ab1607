/** Client certificates per guest cluster from Vault PKI, with Vault authentication and renewal. */
package io.promcc.vault;
