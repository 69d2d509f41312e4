package io.kpushgateway.app.web;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for tests: a CA, a server certificate for 127.0.0.1/localhost and a client
 * certificate, all signed by the CA, written as PEM files the way operators keep them.
 */
public final class TestPki {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  public final Issued ca;
  public final Issued server;
  public final Issued client;

  /** A key pair with its certificate. */
  public record Issued(KeyPair keys, X509Certificate certificate) {}

  private TestPki(Issued ca, Issued server, Issued client) {
    this.ca = ca;
    this.server = server;
    this.client = client;
  }

  public static TestPki create() {
    KeyPair caKeys = ec();
    X500Name caName = new X500Name("CN=kpushgateway test CA");
    Issued ca =
        new Issued(
            caKeys,
            certificate(caName, caName, caKeys.getPublic(), caKeys.getPrivate(), true, null, null));
    KeyPair serverKeys = ec();
    Issued server =
        new Issued(
            serverKeys,
            certificate(
                caName,
                new X500Name("CN=127.0.0.1"),
                serverKeys.getPublic(),
                caKeys.getPrivate(),
                false,
                new GeneralNames(
                    new GeneralName[] {
                      new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                      new GeneralName(GeneralName.dNSName, "localhost")
                    }),
                KeyPurposeId.id_kp_serverAuth));
    KeyPair clientKeys = ec();
    Issued client =
        new Issued(
            clientKeys,
            certificate(
                caName,
                new X500Name("CN=pusher"),
                clientKeys.getPublic(),
                caKeys.getPrivate(),
                false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "pusher.example")),
                KeyPurposeId.id_kp_clientAuth));
    return new TestPki(ca, server, client);
  }

  /** A certificate for {@code keys} signed by this CA, with the given SANs and purpose. */
  public Issued issue(String cn, KeyPair keys, GeneralNames sans, KeyPurposeId purpose) {
    return new Issued(
        keys,
        certificate(
            new X500Name("CN=kpushgateway test CA"),
            new X500Name("CN=" + cn),
            keys.getPublic(),
            ca.keys().getPrivate(),
            false,
            sans,
            purpose));
  }

  public static KeyPair ec() {
    return generate("EC", 256);
  }

  public static KeyPair rsa() {
    return generate("RSA", 2048);
  }

  private static KeyPair generate(String algorithm, int size) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      g.initialize(size);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate certificate(
      X500Name issuer,
      X500Name subject,
      java.security.PublicKey key,
      PrivateKey signingKey,
      boolean isCa,
      GeneralNames sans,
      KeyPurposeId purpose) {
    try {
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(2))),
              subject,
              key);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (isCa) {
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        b.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      String algorithm =
          signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(signingKey)));
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM of certificates or keys; keys in OpenSSL's traditional form (PKCS#1 RSA, SEC 1 EC). */
  public static String pem(Object... objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * An EC key in SEC 1 form ("EC PRIVATE KEY") with its curve inside, as openssl writes it (the
   * JDK's encoding keeps the curve only in the PKCS#8 wrapper, and a SEC 1 key without it is
   * unusable for Go and Java alike).
   */
  static String sec1(PrivateKey key) {
    org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
    org.bouncycastle.asn1.sec.ECPrivateKey inner =
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.getPrivateKey().getOctets());
    int bits = ((java.security.interfaces.ECPrivateKey) key).getParams().getOrder().bitLength();
    org.bouncycastle.asn1.sec.ECPrivateKey withCurve =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            bits,
            inner.getKey(),
            inner.getPublicKey(),
            info.getPrivateKeyAlgorithm().getParameters());
    StringWriter out = new StringWriter();
    try (org.bouncycastle.util.io.pem.PemWriter w =
        new org.bouncycastle.util.io.pem.PemWriter(out)) {
      w.writeObject(
          new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A private key as PKCS#8 PEM ("PRIVATE KEY"), optionally encrypted. */
  static String pkcs8(PrivateKey key, String password) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      if (password == null) {
        w.writeObject(new JcaPKCS8Generator(key, null));
      } else {
        w.writeObject(
            new JcaPKCS8Generator(
                key,
                new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                    .setPassword(password.toCharArray())
                    .setRandom(new SecureRandom())
                    .build()));
      }
    } catch (IOException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /**
   * Writes {@code server.pem}, {@code server-key.pem} (PKCS#8) and {@code ca.pem} into {@code dir}.
   */
  public void writeServerFiles(Path dir) {
    write(dir.resolve("server.pem"), pem(server.certificate()));
    write(dir.resolve("server-key.pem"), pkcs8(server.keys().getPrivate(), null));
    write(dir.resolve("ca.pem"), pem(ca.certificate()));
  }

  public static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client context trusting this CA, presenting {@code identity} when asked (may be null). */
  public SSLContext clientContext(Issued identity) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (identity != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry(
            "me",
            identity.keys().getPrivate(),
            "pw".toCharArray(),
            new X509Certificate[] {identity.certificate()});
        kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, "pw".toCharArray());
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
