using System.Security.Cryptography;
using System.Text;
using K8sWebhookHandler.Api.Webhooks;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Tests;

public sealed class SignatureVerifierTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"zen\":\"Design for failure.\"}");

    private static string Sha256(string secret) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Body));

    private static string Sha1(string secret) => "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Body));

    private static SignatureVerifier Verifier(bool allowSha1 = false, bool insecure = false, params string[] secrets) =>
        new(Options.Create(new WebhookOptions { WebhookSecrets = [.. secrets], AllowSha1Signature = allowSha1, Insecure = insecure }));

    [Fact]
    public void Sha256_ByAnyConfiguredSecret_IsAccepted_SoSecretsCanRotate()
    {
        var verifier = Verifier(secrets: ["old", "new"]);

        Assert.Null(verifier.Check(Body, Sha256("old"), null));
        Assert.Null(verifier.Check(Body, Sha256("new"), null));
        Assert.Equal("signature does not match", verifier.Check(Body, Sha256("other"), null));
    }

    public static TheoryData<string?, string?, string> MalformedOrMissing => new()
    {
        { "sha256=zz", null, "X-Hub-Signature-256 is not sha256= followed by 64 hex digits" },
        { "sha1=" + new string('0', 40), null, "X-Hub-Signature-256 is not sha256= followed by 64 hex digits" },
        { "sha256=" + new string('g', 64), null, "X-Hub-Signature-256 is not sha256= followed by 64 hex digits" },
        { Sha256("s") + "0", null, "X-Hub-Signature-256 is not sha256= followed by 64 hex digits" },
        { "", null, "missing X-Hub-Signature-256" },
        { null, null, "missing X-Hub-Signature-256" },
    };

    [Theory]
    [MemberData(nameof(MalformedOrMissing))]
    public void MalformedOrMissingSignature_IsRefusedWithTheReason(string? sha256, string? sha1, string reason)
    {
        Assert.Equal(reason, Verifier(secrets: ["s"]).Check(Body, sha256, sha1));
    }

    [Fact]
    public void MalformedLegacySignature_IsRefusedWithTheReason_EvenWhenAllowed()
    {
        Assert.Equal("X-Hub-Signature is not sha1= followed by 40 hex digits", Verifier(allowSha1: true, secrets: ["s"]).Check(Body, null, "sha1=zz"));
    }

    [Fact]
    public void TamperedBody_IsRefused()
    {
        var header = Sha256("s");
        var tampered = Body.ToArray();
        tampered[^2] ^= 1;

        Assert.Equal("signature does not match", Verifier(secrets: ["s"]).Check(tampered, header, null));
    }

    [Fact]
    public void LegacySha1_OnlyWhenAllowed()
    {
        Assert.Contains("AllowSha1Signature is off", Verifier(secrets: ["s"]).Check(Body, null, Sha1("s")));
        Assert.Null(Verifier(allowSha1: true, secrets: ["s"]).Check(Body, null, Sha1("s")));
        Assert.Equal("signature does not match", Verifier(allowSha1: true, secrets: ["s"]).Check(Body, null, Sha1("x")));
    }

    [Fact]
    public void InsecureMode_AcceptsUnsignedBodies()
    {
        Assert.Null(Verifier(insecure: true).Check(Body, null, null));
    }

    [Fact]
    public void Validator_RefusesToStartWithoutASecret_UnlessInsecureByName()
    {
        var validator = new WebhookOptionsValidator();

        var refused = validator.Validate(null, new WebhookOptions());
        var insecure = validator.Validate(null, new WebhookOptions { Insecure = true });

        Assert.True(refused.Failed);
        Assert.Contains("WEBHOOK_SECRET", refused.FailureMessage);
        Assert.True(insecure.Succeeded);
    }
}
