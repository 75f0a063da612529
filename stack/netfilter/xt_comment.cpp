// The comment match (net/netfilter/xt_comment.c): matches everything; the
// text is only kept with the rule.
#include "stack/netfilter/xt_comment.hpp"

#include "stack/netfilter/x_tables.hpp"

namespace wirepath {

namespace {

bool comment_mt(const sk_buff *, xt_action_param &) { return true; }

void comment_mt_init() {
  static xt_match mt = xt_match::of<xt_comment_info>("comment", comment_mt);
  xt_register_match(&mt);
}
module_init(comment_mt_init);

}  // namespace

}  // namespace wirepath
