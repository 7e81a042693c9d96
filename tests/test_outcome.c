/*
 * test_outcome.c - the one codec of a cell's outcome (harness/exec/outcome.h),
 * used by the local backend's pipe and the Slurm record file: a round trip is
 * exact (doubles bit for bit, NaN, large integers, messages with newlines,
 * control characters and backslashes), every encoded value is one line, and
 * malformed input (a missing key, a bad number, a bad escape, an unknown
 * status, a hash that is not one, a complete run without a hash) is refused
 * with a reason naming the key.
 */
#include "testutil.h"
#include "outcome.h"
#include "rundb.h"

static void fill(struct cell_outcome *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->status, sizeof(o->status), "failed");
	memset(o->hash, 'e', 64);
	o->final_return = 0.1 + 0.2;
	o->auc = -1.0 / 3.0;
	o->wall_seconds = 1e-300;
	o->total_steps = 9007199254740993LL; /* 2^53 + 1: not exact as a double */
	o->episodes = 0;
	snprintf(o->error, sizeof(o->error), "line one\nline two\r\ttab \\n not a newline \x01\x1b[31m red\x7f end\\");
}

static void test_outcome__roundtrip_is_exact(void **state)
{
	(void)state;
	struct cell_outcome w, r;
	fill(&w);
	struct strbuf sb = {0};
	outcome_encode(&sb, &w);
	/* one line per key: no raw control character besides the line ends */
	int lines = 0;
	for (size_t i = 0; i < sb.len; i++) {
		unsigned char c = (unsigned char)sb.buf[i];
		lines += c == '\n';
		assert_true(c == '\n' || (c >= 0x20 && c != 0x7f));
	}
	assert_int_equal(lines, 8);
	char why[256] = "";
	if (outcome_decode(sb.buf, &r, why, sizeof(why))) {
		print_error("decode failed: %s\n%s", why, sb.buf);
		fail();
	}
	assert_string_equal(r.status, w.status);
	assert_string_equal(r.hash, w.hash);
	assert_memory_equal(&r.final_return, &w.final_return, sizeof(double));
	assert_memory_equal(&r.auc, &w.auc, sizeof(double));
	assert_memory_equal(&r.wall_seconds, &w.wall_seconds, sizeof(double));
	assert_true(r.total_steps == w.total_steps);
	assert_true(r.episodes == 0);
	assert_string_equal(r.error, w.error);
	strbuf_release(&sb);

	/* an error outcome: no hash, NaN metrics, empty message */
	memset(&w, 0, sizeof(w));
	snprintf(w.status, sizeof(w.status), "error");
	w.final_return = w.auc = NAN;
	outcome_encode(&sb, &w);
	assert_non_null(strstr(sb.buf, "content_hash=-\n"));
	assert_non_null(strstr(sb.buf, "auc=nan\n"));
	assert_int_equal(outcome_decode(sb.buf, &r, why, sizeof(why)), 0);
	assert_string_equal(r.hash, "");
	assert_true(isnan(r.final_return) && isnan(r.auc));
	assert_string_equal(r.error, "");
	strbuf_release(&sb);
}

static void test_outcome__escapes(void **state)
{
	(void)state;
	struct strbuf sb = {0};
	outcome_escape(&sb, "a\\b\nc\rd\te\x02\x7f");
	assert_string_equal(sb.buf, "a\\\\b\\nc\\rd\\te\\x02\\x7f");
	char out[64];
	assert_int_equal(outcome_unescape(sb.buf, out, sizeof(out)), 0);
	assert_string_equal(out, "a\\b\nc\rd\te\x02\x7f");
	strbuf_release(&sb);
	/* cut to the buffer, still terminated, and said (1) */
	char small[4];
	assert_int_equal(outcome_unescape("abcdef", small, sizeof(small)), 1);
	assert_string_equal(small, "abc");
	/* bad escapes */
	assert_int_equal(outcome_unescape("x\\q", out, sizeof(out)), -1);
	assert_int_equal(outcome_unescape("x\\", out, sizeof(out)), -1);
	assert_int_equal(outcome_unescape("x\\x4", out, sizeof(out)), -1);
	assert_int_equal(outcome_unescape("x\\x00", out, sizeof(out)), -1); /* would cut the string */
	assert_int_equal(outcome_unescape("\\x41\\x7E", out, sizeof(out)), 0);
	assert_string_equal(out, "A~");
}

/* The good encoding of fill() with the line starting with key replaced by repl ("" drops it). */
static char *edited(const char *key, const char *repl)
{
	struct cell_outcome w;
	fill(&w);
	struct strbuf sb = {0}, out = {0};
	outcome_encode(&sb, &w);
	for (char *line = sb.buf; *line;) {
		char *nl = strchr(line, '\n');
		size_t n = (size_t)(nl - line) + 1;
		if (strncmp(line, key, strlen(key)) || line[strlen(key)] != '=')
			strbuf_add(&out, line, n);
		else if (*repl)
			strbuf_addf(&out, "%s\n", repl);
		line += n;
	}
	strbuf_release(&sb);
	return strbuf_detach(&out);
}

static void expect_bad(const char *key, const char *repl, const char *want)
{
	char *t = edited(key, repl);
	struct cell_outcome o;
	char why[256] = "";
	assert_int_equal(outcome_decode(t, &o, why, sizeof(why)), -1);
	if (!strstr(why, want)) {
		print_error("reason '%s' lacks '%s'\n", why, want);
		fail();
	}
	free(t);
}

static void test_outcome__malformed_is_refused(void **state)
{
	(void)state;
	const char *keys[] = { "status", "content_hash", "final_return", "auc", "wall_seconds", "total_steps",
			       "episodes", "error" };
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		char want[64];
		snprintf(want, sizeof(want), "incomplete: no '%s'", keys[k]);
		expect_bad(keys[k], "", want);
	}
	expect_bad("status", "status=wonky", "unknown status 'wonky'");
	expect_bad("final_return", "final_return=1.5x", "key 'final_return': '1.5x' is not a number");
	expect_bad("auc", "auc=", "key 'auc': '' is not a number");
	expect_bad("total_steps", "total_steps=12.5", "key 'total_steps': '12.5' is not an integer");
	expect_bad("episodes", "episodes=-3", "key 'episodes': '-3' is not an integer");
	expect_bad("content_hash", "content_hash=abc", "key 'content_hash': 'abc' is not a results hash");
	expect_bad("content_hash", "content_hash=-", "status 'failed' without a results hash");
	expect_bad("error", "error=bad \\q escape", "key 'error': bad escape");
	expect_bad("error", "error with no equals sign", "is not key=value");
	expect_bad("episodes", "episodes=1\nsurprise=1", "unknown key 'surprise'");
	/* the decoder itself leaves other keys to its caller (the record file has its own) */
	struct outcome_decoder d;
	outcome_decoder_init(&d);
	char why[64];
	assert_int_equal(outcome_decode_kv(&d, "cell_id", "x", why, sizeof(why)), 0);
	assert_int_equal(outcome_decode_kv(&d, "episodes", "7", why, sizeof(why)), 1);
	assert_int_equal(d.o.episodes, 7);
}

static void test_outcome__summary_points_into_outcome(void **state)
{
	(void)state;
	struct cell_outcome o;
	fill(&o);
	struct run_summary s;
	outcome_summary(&o, &s);
	assert_string_equal(s.status, "failed");
	assert_ptr_equal(s.content_hash, o.hash);
	assert_ptr_equal(s.error, o.error);
	assert_true(s.total_steps == o.total_steps);
	o.hash[0] = '\0';
	outcome_summary(&o, &s);
	assert_null(s.content_hash);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcome__roundtrip_is_exact),
		cmocka_unit_test(test_outcome__escapes),
		cmocka_unit_test(test_outcome__malformed_is_refused),
		cmocka_unit_test(test_outcome__summary_points_into_outcome),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
