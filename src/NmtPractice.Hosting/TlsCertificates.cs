using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace NmtPractice.Hosting;

/// <summary>
/// A certificate given as files: PEM certificate and key (<see cref="CertificatePath"/> + <see cref="KeyPath"/>), or a
/// PKCS#12 file (<see cref="CertificatePath"/> ending in .pfx or .p12, no key path). A password (of the PFX, or of an
/// encrypted PEM key) is read from <see cref="PasswordFile"/>, never from configuration values or the command line.
/// </summary>
public sealed class TlsCertificateOptions
{
    public string? CertificatePath { get; set; }

    public string? KeyPath { get; set; }

    public string? PasswordFile { get; set; }

    /// <summary>
    /// Orleans TLS only: PEM file with the certificates a peer's certificate must be, or chain to (a private CA).
    /// Unset: the peer must present this process's own certificate (one certificate shared by the cluster).
    /// </summary>
    public string? TrustedCertificatesPath { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificatePath);
}

/// <summary>Loads certificates from files and turns on Orleans' TLS (silo-to-silo and client-to-gateway), mutually authenticated.</summary>
public static class TlsCertificates
{
    /// <summary>The certificate with its private key, from the files <paramref name="options"/> names.</summary>
    public static X509Certificate2 Load(TlsCertificateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = options.CertificatePath ?? throw new InvalidOperationException("No certificate path is configured.");
        var password = options.PasswordFile is { Length: > 0 } file ? File.ReadAllText(file).TrimEnd('\r', '\n') : null;
        if (string.IsNullOrWhiteSpace(options.KeyPath))
        {
            if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
            {
                return X509CertificateLoader.LoadPkcs12FromFile(path, password);
            }
            throw new InvalidOperationException($"Certificate {path}: a PEM certificate needs its key file (KeyPath); a PKCS#12 file ends in .pfx or .p12.");
        }
        return password is null
            ? X509Certificate2.CreateFromPemFile(path, options.KeyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, options.KeyPath);
    }

    /// <summary>The certificates a peer may present (or chain to): the trusted file's, else <paramref name="own"/>.</summary>
    public static X509Certificate2Collection Trusted(TlsCertificateOptions options, X509Certificate2 own)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trusted = new X509Certificate2Collection();
        if (string.IsNullOrWhiteSpace(options.TrustedCertificatesPath))
        {
            trusted.Add(X509CertificateLoader.LoadCertificate(own.RawData));
        }
        else
        {
            trusted.ImportFromPemFile(options.TrustedCertificatesPath);
        }
        return trusted;
    }

    /// <summary>
    /// True when <paramref name="certificate"/> is one of <paramref name="trusted"/> or chains to one of them (custom
    /// root trust: the machine's store is not consulted). Host names are not checked: silos are reached by address, and
    /// the trust is pinned to the cluster's own certificates instead.
    /// </summary>
    public static bool IsTrusted(X509Certificate2? certificate, X509Certificate2Collection trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        if (certificate is null)
        {
            return false;
        }
        foreach (var candidate in trusted)
        {
            if (candidate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
            {
                return true;
            }
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>Silo-to-silo and gateway connections over TLS; both ends present a certificate the other trusts.</summary>
    public static ISiloBuilder UseNmtClusterTls(this ISiloBuilder silo, TlsCertificateOptions options)
    {
        var certificate = Load(options);
        var trusted = Trusted(options, certificate);
        return silo.UseTls(certificate, tls => Configure(tls, trusted));
    }

    /// <summary>An Orleans client (gateway process) connecting to TLS silos with its own certificate.</summary>
    public static IClientBuilder UseNmtClusterTls(this IClientBuilder client, TlsCertificateOptions options)
    {
        var certificate = Load(options);
        var trusted = Trusted(options, certificate);
        return client.UseTls(certificate, tls => Configure(tls, trusted));
    }

    private static void Configure(TlsOptions tls, X509Certificate2Collection trusted)
    {
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (certificate, _, errors) =>
            (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && IsTrusted(certificate, trusted);
    }
}
