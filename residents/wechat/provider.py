from allauth.socialaccount.providers.weixin.provider import WeixinProvider

from residents.wechat.views import WechatOAuth2Adapter


class WechatProvider(WeixinProvider):
    """allauth's WeChat provider with our adapter (addresses from settings); its URLs
    come from residents/wechat/urls.py."""

    oauth2_adapter_class = WechatOAuth2Adapter

    def get_default_scope(self):
        return ["snsapi_userinfo"]


provider_classes = [WechatProvider]
