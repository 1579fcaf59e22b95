// Differential cases too unwieldy to keep as files: lines longer than the 10,239 bytes
// iptables-restore reads at once (fgets), which it counts as several lines. Each case
// carries its own `# restore:` expectation in editor line numbers, like the fixtures.

const HEAD = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n';

export function generatedCases() {
  return [
    {
      // A 20,000-character comment: its second piece is read as a rule ("Parameter too
      // long!" / "Bad argument"), reported one line later than the physical line.
      name: 'long-comment-line.rules',
      content: '# restore: reject 3\n*filter\n#' + 'x'.repeat(20_000) + '\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n',
    },
    {
      // Exactly 10,239 bytes before the newline: the newline alone is a second (blank)
      // line for restore, so the error on the next physical line is reported one later.
      name: 'comment-at-fgets-limit.rules',
      content: '# restore: reject 7\n' + HEAD + '#' + 'y'.repeat(10_238) + '\n' + ':OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dportx 1 -j ACCEPT\nCOMMIT\n',
    },
    {
      // A rule whose comment makes it longer than the limit, with multi-byte characters
      // (the limit counts bytes): restore rejects the rule itself.
      name: 'long-rule-multibyte.rules',
      content: '# restore: reject 5\n' + HEAD + '-A INPUT -m comment --comment "' + 'é'.repeat(6_000) + '" -j ACCEPT\nCOMMIT\n',
    },
    {
      // Long but under the limit: accepted.
      name: 'long-rule-under-limit.rules',
      content: '# restore: accept\n' + HEAD + '#' + 'z'.repeat(10_000) + '\n-A INPUT -m comment --comment "' + 'w'.repeat(200) + '" -j ACCEPT\nCOMMIT\n',
    },
  ];
}
