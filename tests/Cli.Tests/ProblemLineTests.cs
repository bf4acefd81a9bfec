using K8sWebhookHandler.Cli.Http;

namespace K8sWebhookHandler.Cli.Tests;

public sealed class ProblemLineTests
{
    [Theory]
    [InlineData(404, """{"type":"x","title":"Not Found","status":404,"detail":"no delivery d-9 recorded for o/n"}""", "404 Not Found: no delivery d-9 recorded for o/n")]
    [InlineData(400, """{"title":"One or more validation errors occurred.","status":400,"errors":{"limit":["limit is 1 to 200"],"state":["a","b"]}}""", "400 One or more validation errors occurred.: limit: limit is 1 to 200; state: a, b")]
    [InlineData(409, """{"error":"delivery d is an event the handler does not act on:\nping"}""", "409 Conflict: delivery d is an event the handler does not act on: ping")]
    [InlineData(502, "<html>Bad gateway</html>\n", "502 Bad Gateway: <html>Bad gateway</html>")]
    [InlineData(500, "", "500 Internal Server Error")]
    public void ErrorAnswer_IsOneLineWithTheProblemsDetail(int status, string body, string line) =>
        Assert.Equal(line, ProblemLine.Format(new ApiAnswer(status, body), tokenSent: true));

    [Fact]
    public void Unauthorized_WithoutToken_SaysHowToSendOne() =>
        Assert.Equal("401 Unauthorized (no token was sent: pass --token or set $K8SWH_TOKEN)", ProblemLine.Format(new ApiAnswer(401, ""), tokenSent: false));
}
