package io.pushgate.gateway.protocol;

/**
 * An ack in the exact shape the client libraries write it, read from the frame's text without a
 * parser: {@code {"t":"ack"}} with {@code ,"seq":N}, {@code ,"bseq":N} and {@code ,"app":"id"}
 * members after it, each at most once, in any order, no whitespace. One ack per QoS 1 push or
 * broadcast: Jackson's parser objects per frame were about a third of what a broadcast delivery
 * allocates (docs/benchmarks.md, "Where a broadcast delivery's CPU goes now").
 *
 * <p>Contract: answers what {@link PlainAck} answers for the same text, or null, and then the
 * caller reads the frame as before: anything else (whitespace, other members, escapes, numbers of
 * 19 digits or more, a leading zero, an empty or unusual app id) is left to the parsers, which stay
 * the definition of the protocol's checks. Allocates only the answer. Stateless.
 */
final class AckText {

  private static final String HEAD = "{\"t\":\"ack\"";
  private static final String SEQ = "\"seq\":";
  private static final String BSEQ = "\"bseq\":";
  private static final String APP = "\"app\":\"";

  /** Up to 18 digits always fit a long; longer numbers go to the parser. */
  private static final int MAX_DIGITS = 18;

  private AckText() {}

  /** The ack in {@code text}, or null: read it with the parsers. */
  static ParseResult match(String text) {
    if (!text.startsWith(HEAD)) return null;
    int n = text.length();
    int i = HEAD.length();
    long seq = -1;
    long bseq = -1;
    String app = null;
    while (i < n && text.charAt(i) == ',') {
      i++;
      if (text.startsWith(SEQ, i) && seq < 0) {
        i += SEQ.length();
        int end = digitsEnd(text, i);
        if (end < 0) return null;
        seq = Long.parseLong(text, i, end, 10);
        i = end;
      } else if (text.startsWith(BSEQ, i) && bseq < 0) {
        i += BSEQ.length();
        int end = digitsEnd(text, i);
        if (end < 0) return null;
        bseq = Long.parseLong(text, i, end, 10);
        i = end;
      } else if (text.startsWith(APP, i) && app == null) {
        i += APP.length();
        int start = i;
        while (i < n && idChar(text.charAt(i))) i++;
        if (i == start || i >= n || text.charAt(i) != '"') return null;
        app = text.substring(start, i);
        i++;
      } else {
        return null;
      }
    }
    if (i != n - 1 || text.charAt(i) != '}' || (seq < 0 && bseq < 0)) return null;
    return new ParseResult.Ok(new ClientFrame.Ack(Math.max(seq, 0), Math.max(bseq, 0), app));
  }

  /** The end of a JSON integer of 1 to 18 digits without a leading zero at {@code i}, or -1. */
  private static int digitsEnd(String text, int i) {
    int j = i;
    while (j < text.length() && text.charAt(j) >= '0' && text.charAt(j) <= '9') j++;
    int digits = j - i;
    if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && text.charAt(i) == '0')) return -1;
    return j;
  }

  private static boolean idChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.'
        || c == ':';
  }
}
