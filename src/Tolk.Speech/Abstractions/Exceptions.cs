namespace Tolk.Speech;

/// <summary>A provider failed (crashed, timed out, returned something unusable).</summary>
public class SpeechProviderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SpeechProviderException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SpeechProviderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SpeechProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A translator has no route between two languages.</summary>
public sealed class UnsupportedLanguagePairException : SpeechProviderException
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedLanguagePairException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public UnsupportedLanguagePairException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UnsupportedLanguagePairException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a pair.</summary>
    public UnsupportedLanguagePairException(string provider, string source, string target)
        : base($"{provider} cannot translate from '{source}' to '{target}'.")
    {
        Source = source;
        Target = target;
    }

    /// <summary>Requested source language.</summary>
    public new string? Source { get; }

    /// <summary>Requested target language.</summary>
    public string? Target { get; }
}

/// <summary>An engine does not support a language.</summary>
public sealed class UnsupportedLanguageException : SpeechProviderException
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedLanguageException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public UnsupportedLanguageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UnsupportedLanguageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
