using System.IO.Pipelines;
using System.Text;
using K8sWebhookHandler.Api.Webhooks;
using K8sWebhookHandler.Testing.Handler;
using K8sWebhookHandler.Testing.Processes;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Tests;

public sealed class SpooledBodyTests : IDisposable
{
    private const string Secret = "spool-secret";
    private readonly TempDirectory _spool = new("spool");

    private static SignatureVerifier Verifier() => new(Options.Create(new WebhookOptions { WebhookSecrets = [Secret] }));

    private static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

    // Small segments, as a socket delivers them.
    private static PipeReader Reader(byte[] body) => PipeReader.Create(new MemoryStream(body), new StreamPipeReaderOptions(bufferSize: 4096));

    private Task<SpooledBody?> ReadAsync(byte[] body, SignatureCheck check, long max = 1 << 30) =>
        SpooledBody.ReadAsync(Reader(body), max, check, _spool.Path, CancellationToken.None);

    private int SpoolFiles => Directory.GetFiles(_spool.Path).Length;

    public void Dispose() => _spool.Dispose();

    [Fact]
    public async Task SmallBody_StaysInMemory_AndIsSignedAsAWhole()
    {
        var body = Bytes(SpooledBody.MemoryBytes);
        using var check = Verifier().Begin(WebhookClient.Sign(Secret, body), null);

        await using var spooled = await ReadAsync(body, check);

        Assert.False(spooled!.Spilled);
        Assert.Equal(0, SpoolFiles);
        Assert.Null(check.Finish());
        Assert.Equal(body, await ContentOf(spooled));
    }

    [Fact]
    public async Task LargeBody_GoesToATemporaryFile_ThatHasNoNameEvenWhileOpen()
    {
        var body = Bytes((3 * 1024 * 1024) + 17);
        using var check = Verifier().Begin(WebhookClient.Sign(Secret, body), null);

        await using var spooled = await ReadAsync(body, check);

        Assert.True(spooled!.Spilled);
        Assert.Equal(body.Length, spooled.Length);
        Assert.Null(check.Finish());
        Assert.Equal(body, await ContentOf(spooled));
        Assert.Equal(0, SpoolFiles);
    }

    [Fact]
    public async Task WrongSignature_IsOnlyKnownAtTheEnd_AndLeavesNoFile()
    {
        var body = Bytes(1024 * 1024);
        using var check = Verifier().Begin(WebhookClient.Sign("not-the-secret", body), null);

        await (await ReadAsync(body, check))!.DisposeAsync();

        Assert.Equal("signature does not match", check.Finish());
        Assert.Equal(0, SpoolFiles);
    }

    [Fact]
    public async Task BodyOverTheCap_IsNull_AndLeavesNoFile()
    {
        var body = Bytes(1024 * 1024);
        using var check = Verifier().Begin(WebhookClient.Sign(Secret, body), null);

        var spooled = await ReadAsync(body, check, max: body.Length - 1);

        Assert.Null(spooled);
        Assert.Equal(0, SpoolFiles);
    }

    [Fact]
    public async Task FormEncodedPayload_IsDecodedAsItIsRead()
    {
        var json = "{\"text\":\"" + new string('\u00e9', 40_000) + " & + % = done\"}";
        var form = Encoding.UTF8.GetBytes("other=1&payload=" + Uri.EscapeDataString(json).Replace("%20", "+", StringComparison.Ordinal) + "&last=2");

        await using var stream = new FormPayloadStream(new MemoryStream(form));
        using var decoded = new MemoryStream();
        await stream.CopyToAsync(decoded);

        Assert.Equal(json, Encoding.UTF8.GetString(decoded.ToArray()));
    }

    [Theory]
    [InlineData("other=1", "form body without a payload field")]
    [InlineData("payloads=1", "form body without a payload field")]
    [InlineData("payload=%7", "the form's payload field has a malformed %-escape")]
    [InlineData("payload=%zz", "the form's payload field has a malformed %-escape")]
    public async Task MalformedForm_IsRefused(string form, string reason)
    {
        await using var stream = new FormPayloadStream(new MemoryStream(Encoding.UTF8.GetBytes(form)));

        var error = await Assert.ThrowsAsync<WebhookPayloadException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Equal(reason, error.Message);
    }

    private static async Task<byte[]> ContentOf(SpooledBody body)
    {
        using var copy = new MemoryStream();
        await body.Content.CopyToAsync(copy);
        return copy.ToArray();
    }
}
