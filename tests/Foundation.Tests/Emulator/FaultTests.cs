using System.Net;
using System.Text.Json.Nodes;

namespace K8sWebhookHandler.Foundation.Tests.Emulator;

/// <summary>Injected faults behave as a misbehaving server would, and the request log shows what was sent.</summary>
public sealed class FaultTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IDisposable
{
    /// <summary>Only a safety net for the waits below; nothing is asserted about how long anything takes.</summary>
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(2);

    private readonly RawApi _api = new(emulator.Server.BaseUri);

    public void Dispose() => _api.Dispose();

    [Theory]
    [InlineData(500, "InternalError")]
    [InlineData(503, "ServiceUnavailable")]
    [InlineData(409, "Conflict")]
    public async Task FailNext_MatchingRequestsFail_ThenTheServerRecovers(int code, string reason)
    {
        var ns = emulator.NewNamespace();
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        emulator.Server.Faults.FailNext(2, code, r => r.Method == "POST" && r.Path == path);

        var first = await _api.PostAsync(path, RawApi.ConfigMap("one"));
        var second = await _api.PostAsync(path, RawApi.ConfigMap("one"));
        var third = await _api.PostAsync(path, RawApi.ConfigMap("one"));

        Assert.Equal((HttpStatusCode)code, first.Status);
        Assert.Equal(reason, first.Body["reason"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode)code, second.Status);
        Assert.Equal(HttpStatusCode.Created, third.Status);
        Assert.Single(emulator.Server.FindAll("", "configmaps", ns));
    }

    [Fact]
    public async Task FailNext_429_CarriesRetryAfter()
    {
        var ns = emulator.NewNamespace();
        var path = $"/api/v1/namespaces/{ns}/configmaps";
        emulator.Server.Faults.FailNext(1, 429, r => r.Path == path, retryAfter: TimeSpan.FromSeconds(3));

        var (status, body, response) = await _api.SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("TooManyRequests", body["reason"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task HeldCreate_TheClientGaveUpOn_IsStillCarriedOut()
    {
        var ns = emulator.NewNamespace();
        var path = $"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflows";
        var release = new TaskCompletionSource();
        emulator.Server.Faults.HoldNext(1, release.Task, r => r.Method == "POST" && r.Path == path);
        using var client = new HttpClient { BaseAddress = emulator.Server.BaseUri, Timeout = Timeout.InfiniteTimeSpan };
        using var giveUp = new CancellationTokenSource();

        var sending = client.PostAsync(path, new StringContent(RawApi.Workflow("slow").ToJsonString(), System.Text.Encoding.UTF8, "application/json"), giveUp.Token);
        var held = await emulator.Server.Requests.WaitForAsync(r => r.Method == "POST" && r.Path == path, SafetyNet);
        var statusWhileHeld = held.StatusCode;
        await giveUp.CancelAsync();
        await Assert.ThrowsAsync<TaskCanceledException>(() => sending);
        var absentWhileHeld = emulator.Server.Find("argoproj.io", "workflows", ns, "slow");
        release.SetResult();
        await held.Completed.WaitAsync(SafetyNet);
        var retry = await _api.PostAsync(path, RawApi.Workflow("slow"));

        Assert.Equal(0, statusWhileHeld);
        Assert.Null(absentWhileHeld);
        Assert.NotNull(emulator.Server.Find("argoproj.io", "workflows", ns, "slow"));
        Assert.Equal(HttpStatusCode.Conflict, retry.Status);
        Assert.Equal("AlreadyExists", retry.Body["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task RequestLog_RecordsMethodPathQueryContentTypeAndBody()
    {
        var ns = emulator.NewNamespace();
        var path = $"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflows/logged";
        var body = RawApi.Workflow("logged").ToJsonString();

        await _api.SendAsync(HttpMethod.Patch, path + "?fieldManager=handler&force=true", body, "application/apply-patch+yaml");

        var request = emulator.Server.Requests.Snapshot().Single(r => r.Path == path);
        Assert.Equal("PATCH", request.Method);
        Assert.Equal("fieldManager=handler&force=true", request.Query);
        Assert.Equal("handler", request.QueryValue("fieldManager"));
        Assert.StartsWith("application/apply-patch+yaml", request.ContentType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), JsonNode.Parse(request.Body)));
        Assert.Equal(201, request.StatusCode);
    }
}
