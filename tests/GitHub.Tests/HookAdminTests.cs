using System.Text;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHub.Tests.Support;
using static K8sWebhookHandler.GitHub.Tests.Support.HookCalls;

namespace K8sWebhookHandler.GitHub.Tests;

/// <summary><c>/_emulator/hooks</c>: what a test of the standalone emulator sets up and reads over HTTP.</summary>
public sealed class HookAdminTests
{
    [Fact]
    public async Task AdminHooks_CreateDeliverRepointAndList_AsTheStoreDoes()
    {
        await using var world = await GitHubWorld.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = new HttpClient { BaseAddress = world.Emulator.BaseUri };

        var created = await PostAsync(http, "_emulator/hooks", $$"""{"repository":"octo-org/hello","url":"{{WebhookReceiver.Down()}}","secret":"{{Secret}}"}""");
        var hook = JsonNode.Parse(created)!["id"]!.GetValue<long>();
        var failed = JsonNode.Parse(await PostAsync(http, $"_emulator/hooks/{hook}/deliveries", $$"""{"event":"push","payload":{{Push(1)}},"guid":"admin-guid"}"""))!;
        using var repoint = new HttpRequestMessage(HttpMethod.Patch, $"_emulator/hooks/{hook}")
        {
            Content = new StringContent($$"""{"url":"{{receiver.Url}}"}""", Encoding.UTF8, "application/json"),
        };
        (await http.SendAsync(repoint)).EnsureSuccessStatusCode();
        await world.SendAsync(HttpMethod.Post, $"{RepositoryHook(hook)}/{failed["id"]}/attempts", authorization: Token);
        await world.Emulator.Hooks.WaitForAttemptAsync(hook, a => a.Redelivery, TimeSpan.FromSeconds(60));
        var attempts = JsonNode.Parse(await http.GetStringAsync($"_emulator/hooks/{hook}/deliveries"))!.AsArray();
        var redeliveries = JsonNode.Parse(await http.GetStringAsync("_emulator/redeliveries"))!.AsArray();

        Assert.Equal(("admin-guid", 0), (failed["guid"]!.GetValue<string>(), failed["statusCode"]!.GetValue<int>()));
        Assert.Equal([0, 202], attempts.Select(a => a!["statusCode"]!.GetValue<int>()));
        Assert.Equal(Push(1), attempts[1]!["payload"]!.GetValue<string>());
        Assert.Equal("admin-guid", Assert.Single(receiver.Received).Header("X-GitHub-Delivery"));
        Assert.Equal((hook, "admin-guid"), (redeliveries.Single()!["hookId"]!.GetValue<long>(), redeliveries.Single()!["guid"]!.GetValue<string>()));
    }

    private static async Task<string> PostAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return body;
    }
}
