from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhixuan.web.accounts"
    label = "accounts"
    verbose_name = "账户与角色"
