using K8sWebhookHandler.Grains.Git;
using K8sWebhookHandler.Grains.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Tests.Integration;

/// <summary>Git mirrors as the handler makes them, over a test's data directory.</summary>
internal static class Mirrors
{
    /// <summary>A mirror with <paramref name="options"/> under <paramref name="dataDirectory"/>.</summary>
    public static GitMirror Create(GitOptions options, string dataDirectory) =>
        new(Options.Create(options), Options.Create(new DataDirectoryOptions { DataDirectory = dataDirectory }), NullLogger<GitMirror>.Instance);
}
