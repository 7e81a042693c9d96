/*
 * expview.c - see expview.h.
 */
#include "expview.h"

#include <stdlib.h>
#include <string.h>

int exp_view_open(struct exp_view *v, const char *name, const struct exp_view_opts *o)
{
	memset(v, 0, sizeof(*v));
	provenance_get(&v->prov);
	if (!valid_experiment_name(name))
		return error("experiment name '%s' is not valid: letters, digits, _ . - only, no path characters", name);
	if (store_open(&v->store, o->results, o->writable ? STORE_WRITE : STORE_READ))
		return -1;
	if (store_load_spec(v->store, name, o->spec, 0, &v->spec))
		goto fail;
	v->have_spec = 1;
	struct select_opts so = { o->commit, o->other_versions, &v->prov };
	if (store_select_spec(v->store, &v->spec, &so, &v->sel))
		goto fail;
	v->have_sel = 1;
	/*
	 * `harness run --portable` changes every DQN-family cell's configuration
	 * (and config hash) without changing the file: when no cell matches as the
	 * file reads, the cells as --portable made them are the experiment's.
	 */
	if (v->sel.n[CELL_NOT_RUN] == v->spec.ncells) {
		struct spec ps;
		struct selection psel;
		if (!store_load_spec(v->store, name, o->spec, 1, &ps)) {
			if (!store_select_spec(v->store, &ps, &so, &psel) && psel.n[CELL_NOT_RUN] < ps.ncells) {
				selection_release(&v->sel);
				spec_release(&v->spec);
				v->spec = ps;
				v->sel = psel;
				v->sel.spec = &v->spec;
			} else {
				if (psel.cells)
					selection_release(&psel);
				spec_release(&ps);
			}
		}
	}
	if (!o->quiet)
		selection_report(&v->sel, stderr);
	return 0;
fail:
	exp_view_close(v);
	return -1;
}

void exp_view_close(struct exp_view *v)
{
	if (v->have_sel)
		selection_release(&v->sel);
	if (v->have_spec)
		spec_release(&v->spec);
	store_close(v->store);
	memset(v, 0, sizeof(*v));
}
