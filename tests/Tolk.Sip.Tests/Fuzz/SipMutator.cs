using System.Text;

namespace Tolk.Sip.Tests.Fuzz;

/// <summary>Mutations that make valid SIP messages hostile: truncation, duplication, flipped bytes, huge values…</summary>
public sealed class SipMutator(Random random)
{
    private static readonly byte[][] Fragments =
    [
        "\r\n"u8.ToArray(), "\r\n "u8.ToArray(), "\r\n\t"u8.ToArray(), "\""u8.ToArray(), "\\\""u8.ToArray(), "<"u8.ToArray(), ">"u8.ToArray(),
        "["u8.ToArray(), "]"u8.ToArray(), "@"u8.ToArray(), ":"u8.ToArray(), ";"u8.ToArray(), ","u8.ToArray(), "%"u8.ToArray(),
        "%0"u8.ToArray(), "="u8.ToArray(), "\0"u8.ToArray(), [0xFF], [0xC3], [0xE2, 0x82], "\r\n\r\n"u8.ToArray(), " "u8.ToArray(),
        "Content-Length: 99999\r\n"u8.ToArray(), "l: -1\r\n"u8.ToArray(), "Via: SIP/2.0/UDP [::1\r\n"u8.ToArray(),
        "SIP/2.0 "u8.ToArray(), "sip:"u8.ToArray(), "sips:[2001:db8:::1]:"u8.ToArray(),
    ];

    public byte[] Mutate(byte[] input)
    {
        var data = input;
        var rounds = 1 + random.Next(3);
        for (var i = 0; i < rounds; i++)
        {
            data = random.Next(12) switch
            {
                0 => data[..random.Next(data.Length + 1)],
                1 => DuplicateLine(data),
                2 => FlipBytes(data),
                3 => Insert(data, HugeValue()),
                4 => Insert(data, RandomHeader()),
                5 => Insert(data, NestedQuotes()),
                6 => DeepFolding(data),
                7 => DeleteRange(data),
                8 => Insert(data, Fragments[random.Next(Fragments.Length)]),
                9 => Insert(data, RandomBytes(1 + random.Next(16))),
                10 => ReplaceContentLength(data),
                _ => Insert(data, Encoding.ASCII.GetBytes(new string(',', random.Next(1, 3000)))),
            };
        }
        return data;
    }

    private byte[] Insert(byte[] data, byte[] what)
    {
        var at = random.Next(data.Length + 1);
        return [.. data.AsSpan(0, at), .. what, .. data.AsSpan(at)];
    }

    private byte[] DuplicateLine(byte[] data)
    {
        var lines = SplitLines(data);
        if (lines.Count == 0)
        {
            return data;
        }
        var line = lines[random.Next(lines.Count)];
        var times = 1 + random.Next(random.Next(2) == 0 ? 3 : 200);
        var result = new List<byte>(data.Length + (line.Length * times));
        result.AddRange(data.AsSpan(0, line.Start + line.Length).ToArray());
        for (var i = 0; i < times; i++)
        {
            result.AddRange(data.AsSpan(line.Start, line.Length).ToArray());
        }
        result.AddRange(data.AsSpan(line.Start + line.Length).ToArray());
        return [.. result];
    }

    private byte[] FlipBytes(byte[] data)
    {
        if (data.Length == 0)
        {
            return data;
        }
        var copy = (byte[])data.Clone();
        var n = 1 + random.Next(8);
        for (var i = 0; i < n; i++)
        {
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        }
        return copy;
    }

    private byte[] HugeValue()
    {
        var c = "a;\",<[%: "[random.Next(9)];
        return Encoding.ASCII.GetBytes("X-Huge: " + new string(c, random.Next(1000, 20_000)) + "\r\n");
    }

    private byte[] RandomHeader()
    {
        var name = RandomBytes(1 + random.Next(40));
        return [.. name, .. ": "u8, .. RandomBytes(random.Next(60)), .. "\r\n"u8];
    }

    private byte[] NestedQuotes()
    {
        var sb = new StringBuilder("To: ");
        var depth = random.Next(1, 500);
        for (var i = 0; i < depth; i++)
        {
            sb.Append(random.Next(3) switch { 0 => "\"", 1 => "\\\"", _ => "\\\\" });
        }
        sb.Append(" <sip:a@b>\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private byte[] DeepFolding(byte[] data)
    {
        var sb = new StringBuilder("X-Folded: a");
        var depth = random.Next(1, 2000);
        for (var i = 0; i < depth; i++)
        {
            sb.Append(random.Next(2) == 0 ? "\r\n b" : "\r\n\t ");
        }
        sb.Append("\r\n");
        return Insert(data, Encoding.ASCII.GetBytes(sb.ToString()));
    }

    private byte[] DeleteRange(byte[] data)
    {
        if (data.Length < 2)
        {
            return data;
        }
        var start = random.Next(data.Length);
        var length = random.Next(Math.Min(64, data.Length - start) + 1);
        return [.. data.AsSpan(0, start), .. data.AsSpan(start + length)];
    }

    private byte[] ReplaceContentLength(byte[] data)
    {
        var text = Encoding.Latin1.GetString(data);
        var values = new[] { "-1", "0", "99999999999999999999", "1", "70000", " 5 ", "1e3", "" };
        var value = values[random.Next(values.Length)];
        return Encoding.Latin1.GetBytes(System.Text.RegularExpressions.Regex.Replace(text, "(?im)^(Content-Length|l)[ \t]*:[^\r\n]*", "$1: " + value));
    }

    private byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        random.NextBytes(b);
        return b;
    }

    private static List<(int Start, int Length)> SplitLines(byte[] data)
    {
        var list = new List<(int, int)>();
        var start = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == '\n')
            {
                list.Add((start, i + 1 - start));
                start = i + 1;
            }
        }
        return list;
    }
}
