/*
 * spec_text.c - the spec's text before libconfig reads it (see spec_parse.h).
 */
#include "spec_parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * libconfig 1.5 reads an integer literal without the L suffix with atoi():
 * 3000000000 becomes -1294967296 and 10^20 becomes -1, silently. So the text
 * handed to libconfig is a copy in which integers beyond 32 bits get the L
 * suffix (64-bit), and a number beyond 64 bits (or a float beyond a double)
 * is an error naming its key. Strings and comments are copied as they are; no
 * newline is added, so line numbers stay those of the file.
 */
static const char *key_before(const char *text, size_t pos, char *key, size_t n)
{
	size_t i = pos;
	while (i > 0 && !strchr("=:;{}\n", text[i - 1]))
		i--; /* over the array or list elements before the literal */
	key[0] = '\0';
	if (i == 0 || (text[i - 1] != '=' && text[i - 1] != ':'))
		return key;
	i--;
	while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
		i--;
	size_t end = i;
	while (i > 0 && (isalnum((unsigned char)text[i - 1]) || strchr("_-*", text[i - 1])))
		i--;
	snprintf(key, n, "%.*s", (int)(end - i), text + i);
	return key;
}

static int literal_error(const char *path, const char *text, size_t pos, const char *tok, int toklen,
			 const char *what)
{
	int line = 1;
	for (size_t k = 0; k < pos; k++)
		line += text[k] == '\n';
	char key[128];
	key_before(text, pos, key, sizeof(key));
	if (key[0])
		return error("%s:%d: key '%s': the number %.*s is too large (it overflows %s)", path, line, key,
			     toklen, tok, what);
	return error("%s:%d: the number %.*s is too large (it overflows %s)", path, line, toklen, tok, what);
}

int fix_literals(const char *path, const char *in, size_t len, struct strbuf *out)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		char c = in[i];
		if (c == '"') {
			for (j++; j < len && in[j] != '"'; j++)
				if (in[j] == '\\' && j + 1 < len)
					j++;
			j = j < len ? j + 1 : len;
		} else if (c == '#' || (c == '/' && i + 1 < len && in[i + 1] == '/')) {
			while (j < len && in[j] != '\n')
				j++;
		} else if (c == '/' && i + 1 < len && in[i + 1] == '*') {
			const char *e = memmem(in + i + 2, len - i - 2, "*/", 2);
			j = e ? (size_t)(e - in) + 2 : len;
		} else if (isalpha((unsigned char)c) || c == '_' || c == '*') {
			while (j < len && (isalnum((unsigned char)in[j]) || strchr("_-*", in[j])))
				j++;
		} else if (isdigit((unsigned char)c) ||
			   ((c == '-' || c == '+' || c == '.') && i + 1 < len &&
			    (isdigit((unsigned char)in[i + 1]) || in[i + 1] == '.'))) {
			int is_float = 0, hex = 0;
			if (in[j] == '-' || in[j] == '+')
				j++;
			if (j + 1 < len && in[j] == '0' && (in[j + 1] == 'x' || in[j + 1] == 'X')) {
				hex = 1;
				for (j += 2; j < len && isxdigit((unsigned char)in[j]); j++)
					;
			} else {
				while (j < len && isdigit((unsigned char)in[j]))
					j++;
				if (j < len && in[j] == '.') {
					is_float = 1;
					for (j++; j < len && isdigit((unsigned char)in[j]); j++)
						;
				}
				if (j < len && (in[j] == 'e' || in[j] == 'E')) {
					size_t k = j + 1;
					if (k < len && (in[k] == '-' || in[k] == '+'))
						k++;
					if (k < len && isdigit((unsigned char)in[k])) {
						is_float = 1;
						for (j = k; j < len && isdigit((unsigned char)in[j]); j++)
							;
					}
				}
			}
			size_t numlen = j;
			int suffix = 0;
			while (j < len && in[j] == 'L')
				j++, suffix = 1;
			char tok[128];
			if (numlen - i >= sizeof(tok))
				return literal_error(path, in, i, in + i, (int)(numlen - i), "64 bits");
			memcpy(tok, in + i, numlen - i);
			tok[numlen - i] = '\0';
			errno = 0;
			if (is_float) {
				double v = strtod(tok, NULL);
				if (isinf(v))
					return literal_error(path, in, i, tok, (int)strlen(tok), "a double");
			} else if (hex) {
				unsigned long long v = strtoull(tok, NULL, 16);
				if (errno == ERANGE)
					return literal_error(path, in, i, tok, (int)strlen(tok), "64 bits");
				strbuf_add(out, in + i, j - i);
				if (!suffix && v > 0xffffffffULL)
					strbuf_addstr(out, "L");
				i = j;
				continue;
			} else {
				long long v = strtoll(tok, NULL, 10);
				if (errno == ERANGE)
					return literal_error(path, in, i, tok, (int)strlen(tok), "64 bits");
				strbuf_add(out, in + i, j - i);
				if (!suffix && (v < INT_MIN || v > INT_MAX))
					strbuf_addstr(out, "L");
				i = j;
				continue;
			}
		} else {
			j++;
		}
		strbuf_add(out, in + i, j - i);
		i = j;
	}
	return 0;
}

int spec_text_check(const char *path, const char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t j = i;
		if (!bytes[i])
			return error("%s: contains a NUL byte (a spec is a text file)", path);
		if (i && bytes[i - 1] != '\n')
			continue;
		while (j < len && (bytes[j] == ' ' || bytes[j] == '\t'))
			j++;
		if (len - j >= 8 && !memcmp(bytes + j, "@include", 8)) {
			int line = 1;
			for (size_t k = 0; k < i; k++)
				line += bytes[k] == '\n';
			return error("%s:%d: @include is not allowed (a spec is one self-contained file)", path, line);
		}
	}
	return 0;
}
