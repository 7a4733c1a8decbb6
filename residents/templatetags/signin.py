from django import template

from residents.wechat import in_wechat, wechat_enabled

register = template.Library()


@register.simple_tag(takes_context=True)
def wechat_one_tap(context) -> bool:
    """Offer 微信一键登录: only inside WeChat's own browser (the only place its in-app
    authorisation works) and only when a WeChat app is configured."""
    request = context.get("request")
    return bool(request) and in_wechat(request) and wechat_enabled(request)
