from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns
from django.urls import path

from residents.wechat import views
from residents.wechat.provider import WechatProvider

urlpatterns = [
    *default_urlpatterns(WechatProvider),
    path("weixin/link/", views.link_phone, name="wechat_link_phone"),
    path("weixin/link/code/", views.link_code, name="wechat_link_code"),
]
