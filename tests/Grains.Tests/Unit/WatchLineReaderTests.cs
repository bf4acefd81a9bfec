using System.Text;
using K8sWebhookHandler.Grains.Kubernetes;

namespace K8sWebhookHandler.Grains.Tests.Unit;

public sealed class WatchLineReaderTests
{
    [Fact]
    public async Task Lines_AreReadWithTheOversizedOneSkippedAndAnUnfinishedLastOneDropped()
    {
        var text = "first\r\n" + new string('x', 40_000) + "\nsecond\n\nthird-without-newline";
        var reader = new WatchLineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), 32 * 1024);

        var lines = new List<WatchLine>();
        while (await reader.ReadAsync(CancellationToken.None) is { } line)
        {
            lines.Add(line);
        }

        Assert.Equal([new("first", false), new(null, true), new("second", false), new("", false)], lines);
    }

    [Fact]
    public async Task LineOfExactlyTheCap_IsKept()
    {
        var reader = new WatchLineReader(new MemoryStream(Encoding.UTF8.GetBytes(new string('a', 100) + "\n")), 100);

        Assert.Equal(new WatchLine(new string('a', 100), false), await reader.ReadAsync(CancellationToken.None));
    }
}
