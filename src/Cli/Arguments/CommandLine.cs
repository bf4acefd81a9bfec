namespace K8sWebhookHandler.Cli.Arguments;

/// <summary>
/// A command line split into the command, its positional arguments and its options, checked against the command's
/// specification; <see cref="Help"/> when <c>--help</c>, <c>-h</c> or <c>help</c> was given.
/// </summary>
internal sealed record CommandLine(
    CommandSpec? Command,
    IReadOnlyList<string> Positionals,
    IReadOnlyDictionary<string, string> Options,
    bool Help)
{
    /// <summary>
    /// Splits <paramref name="args"/>: the first word that is not an option names the command; options take a value
    /// as <c>--name value</c> or <c>--name=value</c> and may come anywhere; after <c>--</c> every word is positional.
    /// </summary>
    /// <exception cref="UsageException">An unknown command or option, a missing value, a repeated option, or the wrong number of arguments.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var words = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                words.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg is "-h" or "--help")
            {
                help = true;
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                i = ReadOption(args, i, options);
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                throw new UsageException($"unknown option '{arg}'");
            }
            else
            {
                words.Add(arg);
            }
        }

        return Check(words, options, help);
    }

    private static int ReadOption(IReadOnlyList<string> args, int index, Dictionary<string, string> options)
    {
        var arg = args[index];
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? arg[2..] : arg[2..equals];
        string value;
        if (equals >= 0)
        {
            value = arg[(equals + 1)..];
        }
        else if (index + 1 < args.Count && !args[index + 1].StartsWith("--", StringComparison.Ordinal))
        {
            value = args[++index];
        }
        else
        {
            throw new UsageException($"--{name} needs a value");
        }

        if (!options.TryAdd(name, value))
        {
            throw new UsageException($"--{name} is given twice");
        }

        return index;
    }

    private static CommandLine Check(List<string> words, Dictionary<string, string> options, bool help)
    {
        if (words is ["help", .. var rest])
        {
            help = true;
            words = rest;
        }

        var command = words.Count == 0 ? null : Commands.Find(words[0]) ?? throw new UsageException($"unknown command '{words[0]}'");
        if (help)
        {
            return new(command, [], options, Help: true);
        }

        if (command is null)
        {
            throw new UsageException("no command given");
        }

        var unknown = options.Keys.FirstOrDefault(n => !Commands.Global.Concat(command.Options).Any(o => o.Name == n));
        if (unknown is not null)
        {
            throw new UsageException($"'{command.Name}' has no option --{unknown}", command.Name);
        }

        var positionals = words.Skip(1).ToList();
        if (positionals.Count != command.Positionals.Count)
        {
            var expected = command.Positionals.Count == 0 ? "no arguments" : string.Join(' ', command.Positionals);
            throw new UsageException($"'{command.Name}' takes {expected}, not {positionals.Count} argument(s)", command.Name);
        }

        return new(command, positionals, options, Help: false);
    }
}
