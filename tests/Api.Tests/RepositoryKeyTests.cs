using K8sWebhookHandler.Abstractions.Identity;

namespace K8sWebhookHandler.Api.Tests;

public sealed class RepositoryKeyTests
{
    [Theory]
    [InlineData("Octo/Hello", "octo/hello")]
    [InlineData("octo-org/hello.world_2", "octo-org/hello.world_2")]
    [InlineData("mona-cat_octo/x", "mona-cat_octo/x")]
    [InlineData("a/.github", "a/.github")]
    [InlineData("a/-", "a/-")]
    public void AsciiNames_AreLowerCased(string fullName, string key)
    {
        Assert.True(RepositoryKey.TryParse(fullName, out var parsed));
        Assert.Equal(key, parsed.Value);
    }

    [Fact]
    public void LongestNames_AreAccepted()
    {
        var fullName = new string('o', 39) + "/" + new string('n', 100);

        Assert.Equal(fullName, RepositoryKey.Parse(fullName).Value);
    }

    [Theory]
    [InlineData("\u212Aelvin/x")] // Kelvin sign: ToLowerInvariant makes it an ASCII k
    [InlineData("Octo/\u212A")]
    [InlineData("\u0130stanbul/x")] // dotted capital I
    [InlineData("octo/hell\u043E")] // Cyrillic o
    [InlineData("\uFF4Fcto/x")] // fullwidth o
    [InlineData(" octo/hello")]
    [InlineData("octo/hello ")]
    [InlineData("octo/hello\n")]
    [InlineData("octo/hello\t")]
    [InlineData("octo /hello")]
    [InlineData("octo/hello/extra")]
    [InlineData("../x")]
    [InlineData("octo/..")]
    [InlineData("octo/.")]
    [InlineData("-octo/x")]
    [InlineData("_octo/x")]
    [InlineData("octo.org/x")]
    [InlineData("octo")]
    [InlineData("/x")]
    [InlineData("octo/")]
    [InlineData("")]
    public void AnythingElse_IsRefused_NotFolded(string fullName)
    {
        Assert.False(RepositoryKey.TryParse(fullName, out _));
    }

    [Fact]
    public void OverlongParts_AreRefused()
    {
        Assert.False(RepositoryKey.TryParse(new string('o', 40) + "/x", out _));
        Assert.False(RepositoryKey.TryParse("o/" + new string('n', 101), out _));
    }

    [Fact]
    public void DeliveryIdWithATrailingNewline_IsRefused()
    {
        Assert.False(DeliveryId.TryParse("72d3162e-cc78-11e3-81ab-4c9367dc0958\n", out _));
        Assert.True(DeliveryId.TryParse("72d3162e-cc78-11e3-81ab-4c9367dc0958", out _));
    }

    [Theory]
    [InlineData("main", true)]
    [InlineData("feature/x-1.2_y", true)]
    [InlineData("v1.2.0", true)]
    [InlineData("@", false)]
    [InlineData("a.", false)]
    [InlineData("/a", false)]
    [InlineData("a/b.lock/c", false)]
    [InlineData("a\u007fb", false)]
    [InlineData("", false)]
    public void GitRefNames_FollowCheckRefFormat(string name, bool valid)
    {
        Assert.Equal(valid, GitRefName.IsValidShortName(name));
    }
}
